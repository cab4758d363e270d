"""Exercise: batch normalization, train and eval, with PyTorch's running statistics, and its backward."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import LOOSE, randn

SHAPES = [(8, 3), (4, 3, 5, 5), (2, 2, 7), (16, 1)]


def _inputs(seed):
    for k, shape in enumerate(SHAPES):
        for dtype in ("float32", "float64"):
            s = seed + 2 * k + (dtype == "float64")
            rng = np.random.default_rng(s)
            c = shape[1]
            yield s, shape, rng, randn(rng, shape, dtype, 2.0, 0.5), randn(rng, (c,), dtype), randn(rng, (c,), dtype)


def forward_cases():
    for s, shape, rng, x, gamma, beta in _inputs(7000):
        c = shape[1]
        rm, rv = randn(rng, (c,), x.dtype, 0.3), rng.uniform(0.5, 2.0, c).astype(x.dtype)
        yield Case(f"train_{len(shape)}d", (x, gamma, beta, rm, rv), {"training": True}, seed=s)
        yield Case(
            f"eval_{len(shape)}d",
            (x, gamma, beta, rm, rv),
            {"training": False},
            seed=s,
            note="eval mode: normalize with the running statistics, and leave them unchanged",
        )
    s, _, rng, x, gamma, beta = next(_inputs(7100))
    yield Case(
        "momentum_0.3",
        (x, gamma, beta, np.zeros(3, x.dtype), np.ones(3, x.dtype)),
        {"momentum": 0.3},
        seed=s,
        note="momentum=0.3 weights the new batch statistic (PyTorch's convention)",
    )
    for dtype, s in (("float32", 7150), ("float64", 7151)):
        rng = np.random.default_rng(s)
        yield Case(
            "channels_at_different_scales",
            (
                _scaled_channels(rng, dtype),
                *(randn(rng, (3,), dtype) for _ in range(2)),
                np.zeros(3, dtype),
                np.ones(3, dtype),
            ),
            seed=s,
            note="channel std 0.003, 1 and 300: where eps sits (inside the root) shows on the small one",
        )
    yield Case(
        "batch_of_two",
        (np.array([[1.0, -2.0], [3.0, 4.0]]), np.ones(2), np.zeros(2), np.zeros(2), np.ones(2)),
        note="m = 2 values per channel: the unbiased variance is twice the biased one",
    )


def backward_cases():
    for s, shape, rng, x, gamma, _ in _inputs(7200):
        yield Case(f"train_{len(shape)}d", (randn(rng, shape, x.dtype), x, gamma), seed=s)
    for dtype, s in (("float32", 7250), ("float64", 7251)):
        rng = np.random.default_rng(s)
        x = _scaled_channels(rng, dtype)
        yield Case(
            "channels_at_different_scales",
            (randn(rng, x.shape, dtype), x, randn(rng, (3,), dtype)),
            seed=s,
            note="channel std 0.003, 1 and 300",
        )


def _scaled_channels(rng, dtype):
    """(6, 3, 4) with per-channel std 0.003, 1, 300 and means -1, 0, 50: per-channel statistics and eps matter."""
    scale = np.array([0.003, 1.0, 300.0])[None, :, None]
    shift = np.array([-1.0, 0.0, 50.0])[None, :, None]
    return (rng.standard_normal((6, 3, 4)) * scale + shift).astype(dtype)


def _biased(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    from reference_impls.numpy.batchnorm import batchnorm_forward

    y, rm, _ = batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum, eps)
    if not training:
        return y, rm, running_var.copy()
    axes = (0,) + tuple(range(2, x.ndim))
    return y, rm, (1 - momentum) * running_var + momentum * x.var(axis=axes)


def _momentum_reversed(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    from reference_impls.numpy.batchnorm import batchnorm_forward

    return batchnorm_forward(x, gamma, beta, running_mean, running_var, training, 1 - momentum, eps)


EXERCISE = Exercise.of(
    info("batchnorm"),
    task="""Batch norm as torch.nn.BatchNorm1d / 2d. x is (N, C) or (N, C, *spatial); statistics are
per channel, over every other axis (m values per channel).

1. batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum, eps) returns
   (y, new_running_mean, new_running_var), without modifying its inputs:
   - training: mu and the BIASED variance var of the batch; y = gamma (x - mu) / sqrt(var + eps) + beta;
     new_running_mean = (1 - momentum) running_mean + momentum mu;
     new_running_var  = (1 - momentum) running_var  + momentum var * m / (m - 1)   (UNBIASED).
   - eval: the same with running_mean / running_var in place of mu / var; running stats unchanged.
2. batchnorm_backward(dy, x, gamma, eps): training-mode gradients (dx, dgamma, dbeta). dx flows
   through mu and var too: with xhat = (x - mu) / sigma and dxhat = dy * gamma,
   dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sigma, means over the m values.""",
    entry_points=(
        EntryPoint(
            "batchnorm_forward",
            "(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5)",
            "(y, new_running_mean, new_running_var). gamma, beta, running stats: (C,). y: x's shape and dtype.",
        ),
        EntryPoint(
            "batchnorm_backward",
            "(dy, x, gamma, eps=1e-5)",
            "Training-mode (dx, dgamma, dbeta); dx: x's shape, the others (C,).",
        ),
    ),
    checks=(
        Check(
            "forward",
            "batchnorm_forward",
            forward_cases,
            tolerance=LOOSE,
            description="(N, C), (N, C, L), (N, C, H, W), C = 1; train and eval; momentum 0.3; m = 2",
        ),
        Check(
            "backward", "batchnorm_backward", backward_cases, tolerance=LOOSE, description="the same shapes, float32/64"
        ),
    ),
    probes=(
        Probe(
            "biased variance in running stats: PyTorch updates running_var with the UNBIASED batch variance "
            "(var * m / (m - 1)); only the normalization uses the biased one",
            impl={"batchnorm_forward": _biased},
        ),
        Probe(
            "eval mode uses batch statistics: with training=False normalize with running_mean / running_var "
            "and return them unchanged",
            impl="wrong/batchnorm/eval_uses_batch_stats.py",
            checks=("forward",),
        ),
        Probe(
            "momentum reversed: PyTorch's momentum weights the NEW statistic, running = (1 - momentum) * running "
            "+ momentum * batch",
            impl={"batchnorm_forward": _momentum_reversed},
        ),
        Probe(
            "cs231n's running average (running = momentum * running + (1 - momentum) * batch, biased var): this "
            "API is PyTorch's, running = (1 - momentum) * running + momentum * batch with momentum=0.1, and the "
            "UNBIASED batch variance var * m / (m - 1) in running_var",
            impl="wrong/batchnorm/cs231n_running_average.py",
            checks=("forward",),
        ),
        Probe(
            "x.reshape(-1, C) on an (N, C, *spatial) input does not group values by channel: move C last first "
            "(x.transpose(0, 2, 3, 1).reshape(-1, C), and back), or reduce over the axes (0, 2, 3, ...)",
            impl="wrong/batchnorm/reshape_without_transpose.py",
        ),
        Probe(
            "dgamma = sum(dy * xhat) over every axis but the channel's, with xhat = (x - mu) / sigma, not the raw x",
            impl="wrong/batchnorm/dgamma_from_input.py",
            checks=("backward",),
        ),
        Probe(
            "normalized over the wrong axis: the statistics are per channel (axis 1), over N and the spatial axes",
            impl="wrong/batchnorm/wrong_axis.py",
            checks=("forward",),
        ),
        Probe(
            "eps belongs inside the square root: divide by sqrt(var + eps), not sqrt(var) + eps (it shows on a "
            "channel whose variance is near eps)",
            impl="wrong/batchnorm/eps_outside_sqrt.py",
        ),
        Probe(
            "normalized with the unbiased variance (ddof=1, torch.var's default): normalize with the BIASED batch "
            "variance (divide by m); only running_var gets the unbiased one",
            impl="wrong/batchnorm/unbiased_normalization.py",
            checks=("forward",),
        ),
        Probe(
            "dx must include the paths through the batch mean and variance: "
            "dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sigma",
            impl="wrong/batchnorm/backward_no_stats_path.py",
            checks=("backward",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "_per_channel",
            "v.reshape((1, -1)",
            "v.reshape((1, -2)",
            "NumPy's reshape takes any negative size as the inferred one",
        ),
        Equivalent(
            "batchnorm_forward",
            "if m > 1 else",
            "if m >= 1 else",
            "m = 1 in training is outside the task (PyTorch raises: no unbiased variance of one value); for m >= 2 both branches agree",
        ),
        Equivalent(
            "batchnorm_forward",
            "if m > 1 else",
            "if m > 0 else",
            "m = 1 in training is outside the task (PyTorch raises); for m >= 2 both branches agree",
        ),
        Equivalent(
            "batchnorm_forward",
            "y.astype(x.dtype, copy=False)",
            "return y, new_mean",
            "x, gamma and beta share a dtype in the task, so y already has x's dtype",
        ),
        Equivalent("batchnorm_forward", "copy=False", "copy=True", "a copy of y returns the same values"),
    ),
)
