"""Exercise: Adam and AdamW with bias correction (PyTorch's formulation)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._cases import LOOSE
from reference_impls.exercises._optim import (
    IN_PLACE_HINT,
    cases,
    not_in_place,
    trajectory,
)

ADAM = [
    ("default_betas", {"lr": 0.1}),
    ("betas_0.8_0.9", {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-6}),
    ("l2_weight_decay", {"lr": 0.1, "weight_decay": 0.1}),
    ("large_eps", {"lr": 0.1, "eps": 0.5}),
]
ADAMW = [
    ("default", {"lr": 0.1}),
    ("weight_decay_0.5", {"lr": 0.1, "weight_decay": 0.5}),
    ("betas_0.5_0.6", {"lr": 0.01, "betas": (0.5, 0.6)}),
]


def _adam_class(bias_correction=True, eps_inside=False, decoupled=False, default_wd=0.0):
    class Wrong:
        def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=default_wd):
            self.params, self.lr, (self.b1, self.b2), self.eps, self.wd = list(params), lr, betas, eps, weight_decay
            self.m = [np.zeros_like(p) for p in self.params]
            self.v = [np.zeros_like(p) for p in self.params]
            self.t = 0

        def step(self, grads):
            self.t += 1
            for i, (p, g) in enumerate(zip(self.params, grads)):
                if decoupled:
                    p *= 1 - self.lr * self.wd
                else:
                    g = g + self.wd * p
                self.m[i] = self.b1 * self.m[i] + (1 - self.b1) * g
                self.v[i] = self.b2 * self.v[i] + (1 - self.b2) * g * g
                m, v = self.m[i], self.v[i]
                if bias_correction:
                    m, v = m / (1 - self.b1**self.t), v / (1 - self.b2**self.t)
                p -= self.lr * m / (np.sqrt(v + self.eps) if eps_inside else np.sqrt(v) + self.eps)

    return Wrong


ADAM_ENTRY = EntryPoint(
    "Adam",
    "(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0)",
    "Adam over a list of float arrays (updated in place by step()); weight_decay is an L2 term added to the gradient.",
    kind="class",
    methods=(EntryPoint("step", "(self, grads)", "One update of every parameter."),),
)
ADAMW_ENTRY = EntryPoint(
    "AdamW",
    "(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01)",
    "AdamW: Adam with decoupled weight decay p *= 1 - lr * weight_decay before the Adam step.",
    kind="class",
    methods=(EntryPoint("step", "(self, grads)", "One update of every parameter."),),
)


EXERCISE = Exercise.of(
    info("adam"),
    task="""torch.optim.Adam and AdamW; step() updates the parameter arrays IN PLACE.

    t += 1
    Adam:  g = grad + weight_decay * p                 (L2: goes through the adaptive scaling)
    AdamW: p *= 1 - lr * weight_decay                  (decoupled: before the Adam step)
    m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g^2     (m, v start at 0)
    m_hat = m / (1 - beta1^t);  v_hat = v / (1 - beta2^t)                  (bias correction)
    p -= lr * m_hat / (sqrt(v_hat) + eps)

Why bias correction: m and v start at 0, so early averages are shrunk towards 0; with it,
m_hat = g and v_hat = g^2 at t = 1, so the first step is lr * g / (|g| + eps): lr * sign(g) only as
eps -> 0 (the large_eps case, eps = 0.5, shows the difference). Checked over 20 steps against
PyTorch's trajectory.""",
    entry_points=(ADAM_ENTRY, ADAMW_ENTRY),
    checks=(
        Check(
            "adam",
            "Adam",
            cases(ADAM, 10200),
            call=trajectory("Adam"),
            tolerance=LOOSE,
            description="20 steps, float32/64: default betas, betas (0.8, 0.9), L2 weight decay, eps 0.5",
        ),
        Check(
            "adamw",
            "AdamW",
            cases(ADAMW, 10300),
            call=trajectory("AdamW"),
            tolerance=LOOSE,
            description="20 steps, float32/64: default decay 0.01, decay 0.5, betas (0.5, 0.6)",
        ),
    ),
    probes=(
        Probe(
            "bias correction missing: divide m by 1 - beta1^t and v by 1 - beta2^t (t counts steps from 1)",
            impl={
                "Adam": _adam_class(bias_correction=False),
                "AdamW": _adam_class(bias_correction=False, decoupled=True, default_wd=0.01),
            },
        ),
        Probe(
            "eps inside the square root: PyTorch divides by sqrt(v_hat) + eps",
            impl={
                "Adam": _adam_class(eps_inside=True),
                "AdamW": _adam_class(eps_inside=True, decoupled=True, default_wd=0.01),
            },
        ),
        Probe(
            "AdamW's weight decay is decoupled: p *= 1 - lr * weight_decay, not weight_decay * p added to the gradient "
            "(that is Adam's L2)",
            impl="wrong/adam/adamw_as_l2.py",
            checks=("adamw",),
        ),
        Probe(
            "AdamW applies the decay before the Adam update (p *= 1 - lr * weight_decay, then p -= lr * m_hat / ...): "
            "a decay after the Adam update also shrinks the fresh update",
            impl="wrong/adam/decay_after_step.py",
            checks=("adamw",),
        ),
        Probe(
            "the step count t advances once per step(), not once per parameter array: it is shared by every "
            "parameter's bias correction",
            impl="wrong/adam/step_count_per_param.py",
        ),
        Probe(
            "eps is added to sqrt(v_hat), after the bias correction (PyTorch's form); the paper's "
            "lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t) with sqrt(v) + eps scales eps by sqrt(1 - beta2^t)",
            impl="wrong/adam/eps_before_correction.py",
        ),
        Probe(IN_PLACE_HINT, when=not_in_place),
    ),
)
