"""The process group: one process, or DistributedDataParallel under torchrun (NCCL on
cuda, gloo on cpu). Everything collective the trainer needs goes through `Context`, so the
one-process path is the same code with trivial reductions."""
import os

import torch
import torch.distributed as dist

from .errors import UserError


class Context:
    """Rank, world size and device of this process, and the collectives."""

    def __init__(self, device_kind):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if device_kind == "cuda":
            if not torch.cuda.is_available():
                raise UserError("--device cuda: PyTorch sees no CUDA device here (use --device cpu)")
            torch.cuda.set_device(local_rank)
            self.device = torch.device("cuda", local_rank)
            # fp32 as Recur computes it: no TF32 in matrix products or cuDNN's RNNs (which
            # allows it by default), or the 1e-4 agreement with Recur would not hold.
            torch.backends.cuda.matmul.allow_tf32 = False
            torch.backends.cudnn.allow_tf32 = False
        else:
            self.device = torch.device("cpu")
        self.distributed = self.world > 1
        if self.distributed:
            dist.init_process_group(backend="nccl" if device_kind == "cuda" else "gloo")

    @property
    def leader(self):
        """Rank 0 writes the log and checkpoints and reads the run folder's requests."""
        return self.rank == 0

    def rows(self, batch):
        """The contiguous block of the B streams this rank trains: range(r·B/W, (r+1)·B/W)."""
        if batch % self.world:
            raise UserError(f"--batch {batch} must be divisible by the number of processes ({self.world}): "
                            "each one trains an equal share of the streams")
        share = batch // self.world
        return range(self.rank * share, (self.rank + 1) * share)

    def sum(self, values):
        """Element-wise sum over ranks of a float64 list -> list."""
        tensor = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.distributed:
            dist.all_reduce(tensor)
        return tensor.tolist()

    def maximum(self, values):
        """Element-wise maximum over ranks of an int list -> list (flags all ranks agree on)."""
        tensor = torch.tensor(values, dtype=torch.int64, device=self.device)
        if self.distributed:
            dist.all_reduce(tensor, op=dist.ReduceOp.MAX)
        return tensor.tolist()

    def gather_streams(self, tensor):
        """(L, B/W, H) per rank -> (L, B, H), streams in rank order (every rank gets it)."""
        if not self.distributed:
            return tensor
        parts = [torch.empty_like(tensor) for _ in range(self.world)]
        dist.all_gather(parts, tensor.contiguous())
        return torch.cat(parts, dim=1)

    def wrap(self, model):
        """The model as the training step calls it: DDP averages gradients over ranks."""
        if not self.distributed:
            return model
        from torch.nn.parallel import DistributedDataParallel
        # An adaptive softmax leaves the clusters no target of a chunk fell in unused.
        return DistributedDataParallel(model, device_ids=[self.device.index] if self.device.type == "cuda" else None,
                                       find_unused_parameters=getattr(model, "adaptive", False))

    def close(self, together=True):
        """Leaves the group. `together` (a normal end) waits for every rank first:
        without the barrier a rank that tears gloo down first can abort one still
        finishing its last collective. After an error on one rank nobody waits."""
        if self.distributed and dist.is_initialized():
            if together:
                dist.barrier()
            dist.destroy_process_group()
