"""Recur's optimizers (Training/Optimizer.swift) over PyTorch tensors, with its exact
formulas and float32 constants, and its learning-rate schedules
(LearningRateSchedule.swift). Not torch.optim: Recur keeps one step count for all
parameters, scales the gradient by the clipping factor as it reads it, and adds weight
decay to the scaled gradient; doing the same here keeps a continued run step for step.

Settings use the checkpoint's keys: kind, learningRate, weightDecay, momentum, nesterov,
beta1, beta2, epsilon, alpha.
"""
import numpy as np
import torch

# The names of the two state buffers per kind, as PyTorch calls them (None: unused).
BUFFER_NAMES = {"adam": ("exp_avg", "exp_avg_sq"), "sgd": ("momentum_buffer", None),
                "rmsprop": (None, "square_avg"), "adagrad": (None, "sum")}

f32 = np.float32


def default_settings(kind="adam", learning_rate=2e-3):
    """OptimizerSettings' defaults (PyTorch's), epsilon 1e-10 for Adagrad."""
    return {"kind": kind, "learningRate": float(f32(learning_rate)), "weightDecay": 0.0, "momentum": 0.0,
            "nesterov": False, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-10 if kind == "adagrad" else 1e-8,
            "alpha": 0.99}


class RecurOptimizer:
    """Update state over named parameters: `first` (Adam's m, SGD's momentum buffer) and
    `second` (Adam's v, RMSprop's square average, Adagrad's sum), each name -> tensor of
    its parameter's shape; `step_count` updates applied so far."""

    def __init__(self, settings, parameters, step_count=0, first=None, second=None):
        self.settings, self.parameters, self.step_count = dict(settings), parameters, step_count
        self.first = first or {n: torch.zeros_like(p) for n, p in parameters.items()}
        self.second = second or {n: torch.zeros_like(p) for n, p in parameters.items()}

    @property
    def learning_rate(self):
        return self.settings["learningRate"]

    def scale_learning_rate(self, factor):
        """lr *= factor in float32, as Recur's Float does."""
        self.settings["learningRate"] = float(f32(self.learning_rate) * f32(factor))

    @torch.no_grad()
    def update(self, gradient_scale=1.0, frozen=()):
        """One update of every parameter but `frozen` names from its .grad, the gradient
        first multiplied by `gradient_scale` (clipping). A parameter the step did not use
        (an adaptive softmax cluster no target fell in: .grad None) has a zero gradient,
        as in Recur, so its moments decay and momentum still moves it."""
        self.step_count += 1
        scale = float(f32(gradient_scale))
        for name, parameter in self.parameters.items():
            if name in frozen:
                continue
            used = parameter.grad if parameter.grad is not None else torch.zeros_like(parameter)
            gradient = used * scale + parameter * float(f32(self.settings["weightDecay"]))
            getattr(self, "_" + self.settings["kind"])(parameter, gradient, self.first[name], self.second[name])

    def _sgd(self, p, g, m, _):
        """b = g at the first step, then μb + g; Nesterov g + μb; p -= lr·g."""
        momentum = float(f32(self.settings["momentum"]))
        if momentum != 0:
            m.copy_(g) if self.step_count == 1 else m.mul_(momentum).add_(g)
            g = g + m * momentum if self.settings["nesterov"] else m
        p.sub_(g * float(f32(self.learning_rate)))

    def _adam(self, p, g, m, v):
        """m = β1m + (1−β1)g; v = β2v + (1−β2)g·g; p −= (η/(1−β1ᵗ))·m / (√v/√(1−β2ᵗ) + ε)."""
        beta1, beta2 = f32(self.settings["beta1"]), f32(self.settings["beta2"])
        step = f32(self.step_count)
        step_size = f32(self.learning_rate) / (f32(1) - beta1 ** step)
        correction2_root = np.sqrt(f32(1) - beta2 ** step)
        m.mul_(float(beta1)).add_(g * float(f32(1) - beta1))
        v.mul_(float(beta2)).add_(g * float(f32(1) - beta2) * g)
        denominator = v.sqrt() / float(correction2_root) + float(f32(self.settings["epsilon"]))
        p.sub_(m * float(step_size) / denominator)

    def _rmsprop(self, p, g, _, v):
        """v = αv + (1−α)g·g; p −= lr·g / (√v + ε)."""
        alpha = f32(self.settings["alpha"])
        v.mul_(float(alpha)).add_(g * float(f32(1) - alpha) * g)
        p.sub_(g * float(f32(self.learning_rate)) / (v.sqrt() + float(f32(self.settings["epsilon"]))))

    def _adagrad(self, p, g, _, v):
        """v += g·g; p −= lr·g / (√v + ε)."""
        v.add_(g * g)
        p.sub_(g * float(f32(self.learning_rate)) / (v.sqrt() + float(f32(self.settings["epsilon"]))))


def step_schedule(schedule, step, optimizer):
    """After an update: the step schedule multiplies lr by `factor` every `every` steps."""
    if "step" in schedule and step % schedule["step"]["every"] == 0:
        optimizer.scale_learning_rate(schedule["step"]["factor"])


def plateau_schedule(schedule, plateau, loss, optimizer):
    """After a validation loss: without a relative improvement of 1e-4 over the best for
    more than `patience` evaluations in a row, lr *= factor (Trainer.noteValidationLoss).
    `plateau` is the checkpoint's {"best", "evaluationsWithoutImprovement"}, updated."""
    if "plateau" not in schedule:
        return
    best = plateau.get("best")
    if best is not None and loss >= best * (1 - 1e-4):
        plateau["evaluationsWithoutImprovement"] += 1
        if plateau["evaluationsWithoutImprovement"] > schedule["plateau"]["patience"]:
            optimizer.scale_learning_rate(schedule["plateau"]["factor"])
            plateau["evaluationsWithoutImprovement"] = 0
    else:
        plateau["best"] = loss
        plateau["evaluationsWithoutImprovement"] = 0
