"""Exercise: group normalization and instance normalization, forward and backward."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import LOOSE, randn
from reference_impls.exercises._fresh import fresh

SHAPES = [((2, 6, 4, 4), 3), ((3, 4, 5), 1), ((2, 8, 3, 3), 8), ((1, 4, 2, 2), 2), ((4, 6), 2)]


def _inputs(seed):
    for k, (shape, g) in enumerate(SHAPES):
        for dtype in ("float32", "float64"):
            s = seed + 2 * k + (dtype == "float64")
            rng = np.random.default_rng(s)
            c = shape[1]
            yield (
                f"{len(shape)}d_groups_{g}",
                s,
                rng,
                g,
                randn(rng, shape, dtype, 2.0, 0.5),
                randn(rng, (c,), dtype, 1.0, 1.0),
                randn(rng, (c,), dtype),
            )
    for dtype in ("float32", "float64"):  # values ~3e-3: each group's variance is the size of eps
        s = seed + 100 + (dtype == "float64")
        rng = np.random.default_rng(s)
        x = randn(rng, (2, 4, 3, 3), dtype, 3e-3)
        yield "small_variance", s, rng, 2, x, randn(rng, (4,), dtype, 1.0, 1.0), randn(rng, (4,), dtype)
    for rng, _, dtype, s in fresh([()], seed=seed + 500, n=2):  # shapes and groups drawn afresh each run
        g, per_group, n = (int(v) for v in rng.integers(1, [5, 4, 4]))
        spatial = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(0, 3))))
        if spatial and int(np.prod(spatial)) < 2:
            spatial = spatial[:-1] + (3,)  # >= 2 positions per channel (instance norm normalizes over them)
        if per_group * int(np.prod(spatial)) < 2:
            per_group = 2
        c = g * per_group
        x = randn(rng, (n, c) + spatial, dtype, 2.0, 0.5)
        yield "fresh", s, rng, g, x, randn(rng, (c,), dtype, 1.0, 1.0), randn(rng, (c,), dtype)


def gn_cases():
    for name, s, _, g, x, gamma, beta in _inputs(9400):
        yield Case(name, (x, g, gamma, beta), seed=s)


def gn_backward_cases():
    for name, s, rng, g, x, gamma, _ in _inputs(9500):
        yield Case(name, (randn(rng, x.shape, x.dtype), x, g, gamma), seed=s)


def in_cases():
    for name, s, _, _, x, gamma, beta in _inputs(9600):
        if x.ndim > 2:
            yield Case(name.split("_groups")[0], (x, gamma, beta), seed=s)


def in_backward_cases():
    for name, s, rng, _, x, gamma, _ in _inputs(9700):
        if x.ndim > 2:
            yield Case(name.split("_groups")[0], (randn(rng, x.shape, x.dtype), x, gamma), seed=s)


def _groups_interleaved(x, num_groups, gamma, beta, eps=1e-5):
    """Channel c in group c % G instead of c // (C / G)."""
    n, c = x.shape[:2]
    xg = np.swapaxes(x.reshape((n, c // num_groups, num_groups) + x.shape[2:]), 1, 2).reshape(n, num_groups, -1)
    xhat = (xg - xg.mean(axis=2, keepdims=True)) / np.sqrt(xg.var(axis=2, keepdims=True) + eps)
    xhat = np.swapaxes(xhat.reshape((n, num_groups, c // num_groups) + x.shape[2:]), 1, 2).reshape(x.shape)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return xhat * gamma.reshape(shape) + beta.reshape(shape)


def _gn_no_spatial(x, num_groups, gamma, beta, eps=1e-5):
    """Statistics over the group's channels at each position separately."""
    n, c = x.shape[:2]
    xg = x.reshape((n, num_groups, c // num_groups) + x.shape[2:])
    xhat = ((xg - xg.mean(axis=2, keepdims=True)) / np.sqrt(xg.var(axis=2, keepdims=True) + eps)).reshape(x.shape)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return xhat * gamma.reshape(shape) + beta.reshape(shape)


def _backward_no_variance(dy, x, num_groups, gamma, eps=1e-5):
    """dx as if the variance were a constant: the xhat * mean(dxhat * xhat) term left out."""
    from reference_impls.numpy.groupnorm import group_norm_backward

    _, dgamma, dbeta = group_norm_backward(dy, x, num_groups, gamma, eps)
    n = x.shape[0]
    xg = x.reshape(n, num_groups, -1)
    rstd = 1 / np.sqrt(xg.var(axis=2, keepdims=True) + eps)
    dxhat = (dy * gamma.reshape((1, -1) + (1,) * (x.ndim - 2))).reshape(xg.shape)
    return ((dxhat - dxhat.mean(axis=2, keepdims=True)) * rstd).reshape(x.shape), dgamma, dbeta


def _eps_outside(x, num_groups, gamma, beta, eps=1e-5):
    xg = x.reshape(x.shape[0], num_groups, -1)
    xhat = (xg - xg.mean(axis=2, keepdims=True)) / (xg.std(axis=2, keepdims=True) + eps)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return xhat.reshape(x.shape) * gamma.reshape(shape) + beta.reshape(shape)


def _dparams_batch_only(dy, x, num_groups, gamma, eps=1e-5):
    """dgamma, dbeta summed over N only: shape (C, *spatial) instead of (C,)."""
    from reference_impls.numpy.groupnorm import group_norm, group_norm_backward

    dx = group_norm_backward(dy, x, num_groups, gamma, eps)[0]
    zero = np.zeros_like(gamma)
    xhat = group_norm(x, num_groups, np.ones_like(gamma), zero, eps)
    return dx, (dy * xhat).sum(axis=0), dy.sum(axis=0)


def _unbiased(x, num_groups, gamma, beta, eps=1e-5):
    xg = x.reshape(x.shape[0], num_groups, -1)
    xhat = (xg - xg.mean(axis=2, keepdims=True)) / np.sqrt(xg.var(axis=2, ddof=1, keepdims=True) + eps)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return xhat.reshape(x.shape) * gamma.reshape(shape) + beta.reshape(shape)


EXERCISE = Exercise.of(
    info("group_norm"),
    task="""x is (N, C, *spatial). Group norm splits the C channels into G consecutive groups of C / G
(channels 0..C/G-1 are group 0) and normalizes each (sample, group) over its channels AND spatial
positions together; then a per-channel affine gamma_c, beta_c. G = 1 is layer norm over
(C, *spatial); G = C is instance norm. Biased variance, as torch.nn.functional.group_norm.

1. group_norm(x, num_groups, gamma, beta, eps) and group_norm_backward(dy, x, num_groups, gamma,
   eps) -> (dx, dgamma, dbeta), dgamma / dbeta summed over N and the spatial axes.
2. instance_norm(x, gamma, beta, eps) and instance_norm_backward(dy, x, gamma, eps): each channel
   of each sample on its own (F.instance_norm with weight and bias, no running stats).""",
    entry_points=(
        EntryPoint(
            "group_norm",
            "(x, num_groups, gamma, beta, eps=1e-5)",
            "Group norm of x (N, C, *spatial); gamma, beta: (C,).",
        ),
        EntryPoint("group_norm_backward", "(dy, x, num_groups, gamma, eps=1e-5)", "(dx, dgamma, dbeta)."),
        EntryPoint(
            "instance_norm", "(x, gamma, beta, eps=1e-5)", "Instance norm: group norm with one channel per group."
        ),
        EntryPoint("instance_norm_backward", "(dy, x, gamma, eps=1e-5)", "(dx, dgamma, dbeta)."),
    ),
    checks=(
        Check(
            "group_norm",
            "group_norm",
            gn_cases,
            tolerance=LOOSE,
            description="float32/64; G = 1, 2, 3, C; 2-D to 4-D inputs",
        ),
        Check(
            "group_norm_backward",
            "group_norm_backward",
            gn_backward_cases,
            tolerance=LOOSE,
            description="the same cases",
        ),
        Check(
            "instance_norm", "instance_norm", in_cases, tolerance=LOOSE, description="float32/64; 3-D and 4-D inputs"
        ),
        Check(
            "instance_norm_backward",
            "instance_norm_backward",
            in_backward_cases,
            tolerance=LOOSE,
            description="the same cases",
        ),
    ),
    probes=(
        Probe(
            "normalize with the biased variance (divide by n, ddof=0), as F.group_norm; torch.var and "
            "np.var(ddof=1) divide by n - 1",
            impl={
                "group_norm": _unbiased,
                "instance_norm": lambda x, gamma, beta, eps=1e-5: _unbiased(x, x.shape[1], gamma, beta, eps),
            },
        ),
        Probe(
            "the gradient also flows through the variance: dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) "
            "* rstd, each mean over the group",
            impl={
                "group_norm_backward": _backward_no_variance,
                "instance_norm_backward": lambda dy, x, gamma, eps=1e-5: _backward_no_variance(
                    dy, x, x.shape[1], gamma, eps
                ),
            },
        ),
        Probe(
            "groups are CONSECUTIVE channels (x.reshape(N, G, C // G, ...)): channel c is in group c // (C / G), "
            "not c % G",
            impl={"group_norm": _groups_interleaved},
        ),
        Probe(
            "eps added to the standard deviation: it goes INSIDE the square root, 1 / sqrt(var + eps); "
            "outside, it shows where the variance is the size of eps",
            impl={
                "group_norm": _eps_outside,
                "instance_norm": lambda x, gamma, beta, eps=1e-5: _eps_outside(x, x.shape[1], gamma, beta, eps),
            },
        ),
        Probe(
            "dgamma and dbeta are per channel, shape (C,): summed over N and every spatial axis "
            "(dy.sum(axis=(0, 2, 3)) for 4-D input), not over N only",
            impl={
                "group_norm_backward": _dparams_batch_only,
                "instance_norm_backward": lambda dy, x, gamma, eps=1e-5: _dparams_batch_only(
                    dy, x, x.shape[1], gamma, eps
                ),
            },
        ),
        Probe(
            "normalized over the wrong axis: a group's statistics cover its channels and every spatial position",
            impl={"group_norm": _gn_no_spatial},
        ),
    ),
    equivalent_mutants=(
        *(
            Equivalent(
                where,
                "x.reshape(n, num_groups, -1)",
                "x.reshape(n, num_groups, -2)",
                "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
            )
            for where in ("group_norm", "group_norm_backward")
        ),
        Equivalent(
            "_channel",
            "v.reshape((1, -1)",
            "v.reshape((1, -2)",
            "NumPy reads any negative size in reshape as the one unknown dimension: -2 is -1",
        ),
    ),
)
