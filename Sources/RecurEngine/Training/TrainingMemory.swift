// The memory a model needs, checked against what this process can allocate before the
// model is built. A model inside Recur's limits (ModelLimits) can still be too big for the
// machine or for `ulimit -v`, and Swift ends a process whose allocation fails with a fatal
// error and a backtrace; checked first, it is one line instead.
import CRecurKernels
import Foundation

/// Memory estimates for training and reading a model, and the check against this process.
public enum TrainingMemory {
    /// Bytes training `model` on `steps` × `batch` rows holds at once: weights, gradients
    /// and two optimizer moments (Optimizer allocates both for every kind); two graphs,
    /// the trainer's and the validation pass's (Evaluation builds its own), each with
    /// its workspace, the recurrent weights packed for the GEMM (forward and backward)
    /// and layer 0's token table and its gradient (and its normalised rows with norm
    /// layer); `copies` more copies of the weights (the workbench's snapshots, a
    /// checkpoint's tensors while they are read); and
    /// `runtimeAllowance` for threads and buffers too small to count. Nil past Int.
    public static func bytes(_ model: ModelConfig, steps: Int, batch: Int, copies: Int = 0) -> Int? {
        guard let workspace = ModelLimits.workspaceBytes(model, steps: steps, batch: batch) else { return nil }
        let H = model.hidden, G = model.gateWidth, L = model.layers
        let packed = model.cell.gateCount * recur_sgemm_packed_b_count(Int32(H), Int32(H))
            + recur_sgemm_packed_b_count(Int32(G), Int32(H))
        let (rows, rowsOverflow) = steps.multipliedReportingOverflow(by: batch)
        let table = !rowsOverflow && TrainingGraph.tokenTablePays(vocabularySize: model.vocabularySize, rows: rows)
            ? (model.norm == .layer ? 3 : 2) * model.vocabularySize * G : 0
        // Every size is bounded by ModelLimits, so these products stay far inside Int.
        let floats = (4 + copies) * model.layout.totalCount + 2 * (L * packed + table)
        let (total, overflow) = (2 * workspace).addingReportingOverflow(floats * 4 + runtimeAllowance)
        return overflow ? nil : total
    }

    /// Address space the training threads take besides the buffers counted: a stack and
    /// a malloc arena (64 MiB reserved) per thread, and the small allocations of a step.
    static let runtimeAllowance = 256 << 20

    /// Throws unless training `model` with `training`'s B × T rows, and `copies` more
    /// copies of its weights, fits (see `check`). Call it before the model is built.
    public static func checkTraining(_ model: ModelConfig, _ training: TrainingConfig, copies: Int = 0) throws {
        try check(bytes(model, steps: training.sequenceLength, batch: training.batch, copies: copies),
                  for: "training \(model.layout.totalCount) parameters on --seq \(training.sequenceLength) × --batch \(training.batch)")
    }

    /// Bytes reading `model`'s weights takes: the tensor copied out of the file and the
    /// model built from it.
    public static func readingBytes(_ model: ModelConfig) -> Int {
        2 * model.layout.totalCount * 4
    }

    /// Throws a one-line reason unless `bytes` (for `what`, e.g. "training this model")
    /// fit in this machine's memory and can be allocated by this process now. The probe
    /// maps and unmaps without touching the memory, so it costs nothing; it meets
    /// `ulimit -v` and the kernel's overcommit policy as the real allocations would.
    public static func check(_ bytes: Int?, for what: String) throws {
        let physical = ProcessInfo.processInfo.physicalMemory
        guard let bytes, UInt64(bytes) <= physical else {
            let needed = bytes.map { "about \(gibibytes($0))" } ?? "more than fits in memory"
            throw RecurError.invalidArgument("\(what) needs \(needed) of memory; this machine has \(gibibytes(Int(physical)))")
        }
        // mmap, not malloc: the optimiser may drop a malloc whose memory is never used,
        // and the check with it.
        let probe = mmap(nil, max(bytes, 1), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let probe, probe != MAP_FAILED else {
            var limit = rlimit()
            // RLIM_INFINITY is all ones on Linux and 2^63 − 1 on macOS: past Int either way.
            let capped = getrlimit(RLIMIT_AS_NUMBER, &limit) == 0 && limit.rlim_cur < rlim_t(Int.max)
            let reason = capped ? "ulimit -v allows this process \(gibibytes(Int(clamping: limit.rlim_cur))) in all"
                : "the system refuses to allocate it now"
            throw RecurError.invalidArgument("\(what) needs about \(gibibytes(bytes)) of memory, more than this process can allocate (\(reason))")
        }
        munmap(probe, max(bytes, 1))
    }

    /// The resource number of the address-space limit, typed as getrlimit takes it.
    #if os(Linux)
    private static let RLIMIT_AS_NUMBER = __rlimit_resource_t(RLIMIT_AS.rawValue)
    #else
    private static let RLIMIT_AS_NUMBER = RLIMIT_AS
    #endif

    static func gibibytes(_ bytes: Int) -> String {
        String(format: "%.1f GiB", Double(bytes) / Double(1 << 30))
    }
}
