"""Shared by the optimizer exercises: the parameters, the loss, and the call that drives an optimizer.

Not an exercise module (leading underscore).
"""

import numpy as np

from reference_impls.exercise import Case

SHAPES = [(3, 4), (5,), (1,)]


def grad_fn(params):
    """Gradients of sum(0.5 p^2 + sin(3 p)): non-quadratic, so every step depends on the last."""
    return [p + 3 * np.cos(3 * p) for p in params]


def params(seed, dtype):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in SHAPES]


def cases(configs, seed):
    """One case per (name, kwargs) config and dtype, 20 steps each."""

    def make():
        for k, (name, kwargs) in enumerate(configs):
            for dtype in ("float32", "float64"):
                s = seed + 2 * k + (dtype == "float64")
                yield Case(name, (params(s, dtype),), dict(kwargs), seed=s)

    return make


def trajectory(class_name, steps=20):
    """call(impl, params, **kwargs): build impl.<class_name>(copies, **kwargs), step `steps` times on
    grad_fn, return the parameters after every step ([step][param])."""

    def call(impl, params, **kwargs):
        ps = [p.copy() for p in params]
        opt = getattr(impl, class_name)(ps, **kwargs)
        out = []
        for _ in range(steps):
            opt.step(grad_fn(ps))
            out.append([p.copy() for p in ps])
        return out

    return call


def not_in_place(case, actual, expected):
    """The parameters never moved: the optimizer rebinds its own list instead of updating the arrays."""
    try:
        return all(np.array_equal(a, p) for a, p in zip(actual[-1], case.args[0]))
    except (TypeError, ValueError, IndexError):  # not a list of arrays: not this mistake
        return False


IN_PLACE_HINT = (
    "the parameters never changed: update the arrays in place (p -= lr * g, or p[...] = ...), as "
    "torch.optim does; the caller holds the same arrays"
)
