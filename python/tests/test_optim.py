"""Recur's update rules against torch.optim's (an independent implementation of the
same formulas where PyTorch's defaults coincide with Recur's), over 5 steps."""
import pytest
import torch

from recur_torch.optim import RecurOptimizer, default_settings, plateau_schedule, step_schedule

CASES = [("adam", {}, lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1)),
         ("sgd", {"momentum": 0.9, "nesterov": True}, lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.1)),
         ("rmsprop", {}, lambda p: torch.optim.RMSprop(p, lr=0.01, weight_decay=0.1)),
         ("adagrad", {}, lambda p: torch.optim.Adagrad(p, lr=0.01, weight_decay=0.1))]


@pytest.mark.parametrize("kind,extra,reference", CASES)
def test_updates_match_torch_optim(kind, extra, reference):
    torch.manual_seed(0)
    ours, theirs = torch.randn(40, requires_grad=True), None
    theirs = ours.detach().clone().requires_grad_(True)
    settings = dict(default_settings(kind, 0.01), weightDecay=0.1, **extra)
    optimizer, oracle = RecurOptimizer(settings, {"w": ours}), reference([theirs])
    for step in range(5):
        gradient = torch.randn(40)
        ours.grad, theirs.grad = gradient.clone(), gradient.clone()
        optimizer.update()
        oracle.step()
    difference = (ours - theirs).abs().max().item()
    assert difference < 1e-6, f"{kind}: max |Δw| {difference:.2e}"


def test_gradient_scale_and_frozen_parameters():
    kept, moved = torch.ones(3, requires_grad=True), torch.ones(3, requires_grad=True)
    kept.grad, moved.grad = torch.ones(3), torch.full((3,), 4.0)
    optimizer = RecurOptimizer(default_settings("sgd", 0.5), {"kept": kept, "moved": moved})
    optimizer.update(gradient_scale=0.25, frozen={"kept"})
    assert kept.tolist() == [1, 1, 1] and moved.tolist() == [0.5, 0.5, 0.5]


def test_schedules():
    optimizer = RecurOptimizer(default_settings("adam", 0.1), {"w": torch.zeros(1)})
    step_schedule({"step": {"every": 2, "factor": 0.5}}, 3, optimizer)
    assert optimizer.learning_rate == pytest.approx(0.1)
    step_schedule({"step": {"every": 2, "factor": 0.5}}, 4, optimizer)
    assert optimizer.learning_rate == pytest.approx(0.05)
    schedule, plateau = {"plateau": {"patience": 1, "factor": 0.5}}, {"evaluationsWithoutImprovement": 0}
    for loss in (2.0, 2.0, 1.99999, 2.1):  # best 2.0; 1.99999 is not a 1e-4 relative gain
        plateau_schedule(schedule, plateau, loss, optimizer)
    assert optimizer.learning_rate == pytest.approx(0.025) and plateau["best"] == 2.0
