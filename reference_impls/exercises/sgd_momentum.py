"""Exercise: SGD with momentum, Nesterov, dampening and weight decay, in PyTorch's formulation."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import LOOSE
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._optim import (
    IN_PLACE_HINT,
    cases,
    not_in_place,
    trajectory,
)

CONFIGS = [
    ("plain", {"lr": 0.05}),
    ("momentum", {"lr": 0.05, "momentum": 0.9}),
    ("nesterov", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("dampening_weight_decay", {"lr": 0.02, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.1}),
]


class _ZeroInitBuffer:
    """buf starts at 0, so the first step is (1 - dampening) g instead of g."""

    def __init__(self, params, lr=0.01, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        self.params, self.lr, self.mu, self.d, self.wd, self.nesterov = (
            list(params),
            lr,
            momentum,
            dampening,
            weight_decay,
            nesterov,
        )
        self.buf = [np.zeros_like(p) for p in self.params]

    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads)):
            g = g + self.wd * p
            if self.mu:
                self.buf[i] = self.mu * self.buf[i] + (1 - self.d) * g
                g = g + self.mu * self.buf[i] if self.nesterov else self.buf[i]
            p -= self.lr * g


def _draw(rng):
    """SGD's settings drawn afresh: momentum (Nesterov or dampened), weight decay on or off."""
    kwargs = {"lr": float(rng.uniform(0.005, 0.1))}
    kind = int(rng.integers(4))  # plain, momentum, Nesterov, dampened momentum
    if kind:
        kwargs["momentum"] = float(rng.uniform(0.1, 0.95))
    if kind == 2:
        kwargs["nesterov"] = True
    if kind == 3:
        kwargs["dampening"] = float(rng.uniform(0.1, 0.9))
    if rng.integers(2):
        kwargs["weight_decay"] = float(rng.uniform(0.01, 0.2))
    return kwargs


def _cases():
    """The named settings, then two per dtype drawn afresh on each run (settings and parameter shapes)."""
    yield from cases(CONFIGS, 10000)()
    for rng, _, dtype, s in fresh([()], seed=10050, n=2):
        shapes = [
            tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 3)))) for _ in range(rng.integers(1, 4))
        ]
        kwargs = _draw(rng)
        yield Case(
            "fresh", ([rng.standard_normal(shape).astype(dtype) for shape in shapes],), kwargs, seed=s, note=str(kwargs)
        )


EXERCISE = Exercise.of(
    info("sgd_momentum"),
    task="""torch.optim.SGD, step by step. params is a list of arrays that step() updates IN PLACE.

    g = grad + weight_decay * p
    if momentum: buf = g on the first step, then buf = momentum * buf + (1 - dampening) * g
                 g = g + momentum * buf if nesterov else buf
    p -= lr * g

The check runs 20 steps on a non-quadratic loss (0.5 p^2 + sin(3 p), three parameter arrays) and
compares every parameter after every step, for plain SGD, momentum 0.9, Nesterov, and dampening
with weight decay.""",
    entry_points=(
        EntryPoint(
            "SGD",
            "(self, params, lr=0.01, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)",
            "SGD over a list of float arrays, updated in place by step().",
            kind="class",
            methods=(
                EntryPoint("step", "(self, grads)", "One update of every parameter from its gradient (same order)."),
            ),
        ),
    ),
    checks=(
        Check(
            "trajectory",
            "SGD",
            _cases,
            call=trajectory("SGD"),
            tolerance=LOOSE,
            description="20 steps, float32/64: plain, momentum 0.9, Nesterov, dampening 0.3 + weight decay 0.1",
        ),
    ),
    probes=(
        Probe(
            "the first step sets buf = g (PyTorch): a zero-initialised buffer applies (1 - dampening) to the first gradient",
            impl={"SGD": _ZeroInitBuffer},
        ),
        Probe(
            "nesterov: the step is g + momentum * buf (after updating buf), not buf",
            impl="wrong/sgd_momentum/nesterov_as_plain.py",
        ),
        Probe(IN_PLACE_HINT, when=not_in_place),
    ),
    equivalent_mutants=(
        Equivalent(
            "SGD.step",
            "np.array(g, copy=True)",
            "copy=False",
            "every later step replaces the buffer with a new array (momentum * buf + ...), never writes into it, so "
            "sharing the first gradient's memory changes nothing while the gradients are fresh arrays",
        ),
    ),
)
