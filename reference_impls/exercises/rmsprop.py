"""Exercise: RMSProp in PyTorch's formulation (eps outside the root, optional centering and momentum)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._cases import LOOSE
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._optim import (
    IN_PLACE_HINT,
    cases,
    not_in_place,
    trajectory,
)

CONFIGS = [
    ("default", {"lr": 0.01}),
    ("alpha_0.9_weight_decay", {"lr": 0.01, "alpha": 0.9, "weight_decay": 0.1}),
    ("centered_momentum", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("large_eps", {"lr": 0.05, "eps": 0.5}),
]


def _rms_class(eps_inside=False, bias_correction=False, decay_after_v=False, stale_mean=False):
    class Wrong:
        def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
            self.params, self.lr, self.alpha, self.eps = list(params), lr, alpha, eps
            self.wd, self.mu, self.centered, self.t = weight_decay, momentum, centered, 0
            self.v = [np.zeros_like(p) for p in self.params]
            self.m = [np.zeros_like(p) for p in self.params]
            self.buf = [np.zeros_like(p) for p in self.params]

        def step(self, grads):
            self.t += 1
            for i, (p, g) in enumerate(zip(self.params, grads)):
                if decay_after_v:  # v from the raw gradient, the decay only in the step
                    self.v[i] = self.alpha * self.v[i] + (1 - self.alpha) * g * g
                g = g + self.wd * p
                if not decay_after_v:
                    self.v[i] = self.alpha * self.v[i] + (1 - self.alpha) * g * g
                v = self.v[i] / (1 - self.alpha**self.t) if bias_correction else self.v[i]
                if self.centered:
                    mean = self.m[i]  # stale_mean: the previous step's average in the denominator
                    self.m[i] = self.alpha * self.m[i] + (1 - self.alpha) * g
                    v = v - (mean if stale_mean else self.m[i]) ** 2
                denom = np.sqrt(v + self.eps) if eps_inside else np.sqrt(v) + self.eps
                if self.mu:
                    self.buf[i] = self.mu * self.buf[i] + g / denom
                    p -= self.lr * self.buf[i]
                else:
                    p -= self.lr * g / denom

    return Wrong


def _draw(rng):
    """RMSProp's settings drawn afresh: momentum, centering and weight decay each on or off."""
    kwargs = {"lr": float(rng.uniform(0.002, 0.05)), "alpha": float(rng.uniform(0.8, 0.99))}
    kwargs["eps"] = float(rng.choice([1e-8, 1e-3, 0.3]))
    if rng.integers(2):
        kwargs["momentum"] = float(rng.uniform(0.1, 0.9))
    if rng.integers(2):
        kwargs["centered"] = True
    if rng.integers(2):
        kwargs["weight_decay"] = float(rng.uniform(0.01, 0.2))
    return kwargs


def _cases():
    """The named settings, then two per dtype drawn afresh on each run (settings and parameter shapes)."""
    yield from cases(CONFIGS, 10100)()
    for rng, _, dtype, s in fresh([()], seed=10150, n=2):
        shapes = [
            tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 3)))) for _ in range(rng.integers(1, 4))
        ]
        kwargs = _draw(rng)
        yield Case(
            "fresh", ([rng.standard_normal(shape).astype(dtype) for shape in shapes],), kwargs, seed=s, note=str(kwargs)
        )


EXERCISE = Exercise.of(
    info("rmsprop"),
    task="""torch.optim.RMSprop, step by step; step() updates the parameter arrays IN PLACE.

    g = grad + weight_decay * p
    v = alpha * v + (1 - alpha) * g^2                       (v starts at 0; NO bias correction)
    centered: m = alpha * m + (1 - alpha) * g;  denom = sqrt(v - m^2) + eps
    else:     denom = sqrt(v) + eps                         (eps OUTSIDE the square root)
    momentum > 0: buf = momentum * buf + g / denom;  p -= lr * buf
    else:         p -= lr * g / denom

Checked over 20 steps against PyTorch's trajectory, including a large eps (0.5) that tells
sqrt(v) + eps from sqrt(v + eps).""",
    entry_points=(
        EntryPoint(
            "RMSprop",
            "(self, params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False)",
            "RMSProp over a list of float arrays, updated in place by step().",
            kind="class",
            methods=(EntryPoint("step", "(self, grads)", "One update of every parameter."),),
        ),
    ),
    checks=(
        Check(
            "trajectory",
            "RMSprop",
            _cases,
            call=trajectory("RMSprop"),
            tolerance=LOOSE,
            description="20 steps, float32/64: default, alpha 0.9 + weight decay, centered + momentum, eps 0.5",
        ),
    ),
    probes=(
        Probe(
            "eps inside the square root: PyTorch's RMSprop divides by sqrt(v) + eps",
            impl={"RMSprop": _rms_class(eps_inside=True)},
        ),
        Probe(
            "RMSprop has no bias correction (that is Adam): divide by sqrt(v) + eps with v as accumulated",
            impl="wrong/rmsprop/bias_corrected.py",
        ),
        Probe(
            "weight decay belongs in the gradient before everything: g = grad + weight_decay * p feeds v (and the "
            "centered mean) too, not only the step",
            impl={"RMSprop": _rms_class(decay_after_v=True)},
        ),
        Probe(
            "centered: update the running mean m with this step's g BEFORE the denominator sqrt(v - m^2) + eps, "
            "as v is; yours uses the previous step's m",
            impl={"RMSprop": _rms_class(stale_mean=True)},
        ),
        Probe(IN_PLACE_HINT, when=not_in_place),
    ),
)
