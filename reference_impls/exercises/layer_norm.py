"""Exercise: layer normalization and RMSNorm, forward and backward."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._cases import LOOSE, randn
from reference_impls.exercises._fresh import fresh

# (x shape, normalized shape): the last k axes are normalized, k = weight.ndim
SHAPES = [((4, 8), (8,)), ((2, 3, 16), (16,)), ((2, 3, 4, 5), (4, 5)), ((3, 1), (1,)), ((6, 6), (6,))]


def _inputs(seed, with_bias=True):
    for k, (shape, ns) in enumerate(SHAPES):
        for dtype in ("float32", "float64"):
            s = seed + 2 * k + (dtype == "float64")
            rng = np.random.default_rng(s)
            x = randn(rng, shape, dtype, 2.0, 0.5)
            params = (randn(rng, ns, dtype, 1.0, 1.0),) + ((randn(rng, ns, dtype),) if with_bias else ())
            name = (
                "size_one_axis"
                if ns == (1,)
                else ("square" if shape[0] == shape[-1] else f"{len(shape)}d_norm_{len(ns)}")
            )
            yield name, s, rng, x, params
    for dtype in ("float32", "float64"):  # values ~3e-3: var and mean(x^2) are the size of eps
        s = seed + 100 + (dtype == "float64")
        rng = np.random.default_rng(s)
        x = randn(rng, (3, 2, 12), dtype, 3e-3)
        params = (randn(rng, (12,), dtype, 1.0, 1.0),) + ((randn(rng, (12,), dtype),) if with_bias else ())
        yield "small_variance", s, rng, x, params
    for rng, _, dtype, s in fresh([()], seed=seed + 500, n=2):  # shapes drawn afresh each run
        lead = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 3))))
        ns = [int(d) for d in rng.integers(1, 10, size=int(rng.integers(1, 3)))]
        ns[-1] = max(ns[-1], 2) if len(ns) == 1 or ns[0] == 1 else ns[-1]  # >= 2 values to normalize
        ns = tuple(ns)
        x = randn(rng, lead + ns, dtype, 2.0, 0.5)
        params = (randn(rng, ns, dtype, 1.0, 1.0),) + ((randn(rng, ns, dtype),) if with_bias else ())
        yield "fresh", s, rng, x, params


def ln_cases():
    for name, s, _, x, (w, b) in _inputs(9000):
        yield Case(
            name,
            (x, w, b),
            seed=s,
            zero_ok=name == "size_one_axis",
            note="normalize over the last weight.ndim axes of each sample"
            if name != "size_one_axis"
            else "one value per sample: x - mean = 0, so the output is the bias",
            traits=("a variance the size of eps",) if name == "small_variance" else (),
        )


def ln_backward_cases():
    for name, s, rng, x, (w, _) in _inputs(9100):
        yield Case(name, (randn(rng, x.shape, x.dtype), x, w), seed=s, zero_ok=name == "size_one_axis")


def rms_cases():
    for name, s, _, x, (w,) in _inputs(9200, with_bias=False):
        yield Case(name, (x, w), seed=s)


def rms_backward_cases():
    for name, s, rng, x, (w,) in _inputs(9300, with_bias=False):
        yield Case(name, (randn(rng, x.shape, x.dtype), x, w), seed=s, zero_ok=name == "size_one_axis")


def _ln_batch_axis(x, weight, bias, eps=1e-5):
    mu, var = x.mean(axis=0, keepdims=True), x.var(axis=0, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * weight + bias


def _ln_last_axis_only(x, weight, bias, eps=1e-5):
    mu, var = x.mean(axis=-1, keepdims=True), x.var(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * weight + bias


def _ln_unbiased(x, weight, bias, eps=1e-5):
    axes = tuple(range(x.ndim - weight.ndim, x.ndim))
    mu, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True, ddof=1)
    return (x - mu) / np.sqrt(var + eps) * weight + bias


def _rms_last_axis_only(x, weight, eps=1e-6):
    return x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps) * weight


def _rms_by_std(x, weight, eps=1e-6):
    axes = tuple(range(x.ndim - weight.ndim, x.ndim))
    return x / np.sqrt(x.var(axis=axes, keepdims=True) + eps) * weight


def _rms_centered(x, weight, eps=1e-6):
    axes = tuple(range(x.ndim - weight.ndim, x.ndim))
    xc = x - x.mean(axis=axes, keepdims=True)
    return xc / np.sqrt((xc * xc).mean(axis=axes, keepdims=True) + eps) * weight


EXERCISE = Exercise.of(
    info("layer_norm"),
    task="""Per-sample normalization over the LAST k axes of x, k = weight.ndim (torch's normalized_shape):
no batch statistics, no running stats, train == eval.

1. layer_norm(x, weight, bias, eps): (x - mean) / sqrt(var + eps) * weight + bias, with the
   mean and the BIASED variance over those k axes (torch.nn.functional.layer_norm).
2. layer_norm_backward(dy, x, weight, eps) -> (dx, dweight, dbias); dweight and dbias sum over
   the leading (batch) axes. With xhat the normalized x and dxhat = dy * weight:
   dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) * rstd.
3. rms_norm(x, weight, eps) = x / sqrt(mean(x^2) + eps) * weight: no centering, no bias (LLaMA).
4. rms_norm_backward(dy, x, weight, eps) -> (dx, dweight).
float32 and float64 in, computed in x's dtype (Hugging Face's LlamaRMSNorm upcasts to float32 and casts
back: that keeps float16 safe but loses float64's precision; upcast to at least float32 instead).""",
    entry_points=(
        EntryPoint(
            "layer_norm",
            "(x, weight, bias, eps=1e-5)",
            "x: (..., *normalized_shape); weight, bias: normalized_shape. Same shape/dtype as x.",
        ),
        EntryPoint("layer_norm_backward", "(dy, x, weight, eps=1e-5)", "(dx, dweight, dbias)."),
        EntryPoint(
            "rms_norm", "(x, weight, eps=1e-6)", "x / sqrt(mean(x^2 over the last weight.ndim axes) + eps) * weight."
        ),
        EntryPoint("rms_norm_backward", "(dy, x, weight, eps=1e-6)", "(dx, dweight)."),
    ),
    checks=(
        Check(
            "layer_norm",
            "layer_norm",
            ln_cases,
            tolerance=LOOSE,
            description="float32/64; (N, D), (B, T, D), 2 normalized axes, size-1 axis, square input",
        ),
        Check(
            "layer_norm_backward",
            "layer_norm_backward",
            ln_backward_cases,
            tolerance=LOOSE,
            description="the same shapes",
        ),
        Check("rms_norm", "rms_norm", rms_cases, tolerance=LOOSE, description="the same shapes"),
        Check(
            "rms_norm_backward", "rms_norm_backward", rms_backward_cases, tolerance=LOOSE, description="the same shapes"
        ),
    ),
    probes=(
        Probe(
            "normalized over the wrong axis: layer norm uses each sample's own statistics over the LAST axes "
            "(weight.ndim of them), not statistics over the batch",
            impl={"layer_norm": _ln_batch_axis},
        ),
        Probe(
            "only the last axis normalized: normalize over the last weight.ndim axes (2 when weight is 2-D)",
            impl={"layer_norm": _ln_last_axis_only},
        ),
        Probe(
            "RMSNorm over the last axis only: the mean of x^2 runs over the last weight.ndim axes (2 when weight "
            "is 2-D), as layer_norm's statistics",
            impl={"rms_norm": _rms_last_axis_only},
        ),
        Probe(
            "dx must include the path through rstd = 1/sqrt(mean(x^2) + eps), which depends on every x: "
            "dx = (dxhat - xhat * mean(dxhat * xhat)) * rstd, dxhat = dy * weight",
            impl="wrong/layer_norm/rms_backward_no_rstd_path.py",
            checks=("rms_norm_backward",),
        ),
        Probe(
            "RMSNorm does not subtract the mean: x / sqrt(mean(x^2) + eps) * weight", impl={"rms_norm": _rms_centered}
        ),
        Probe(
            "RMSNorm divides by the root mean square of x, sqrt(mean(x^2) + eps), not by its standard deviation "
            "(x.var subtracts the mean first): x / sqrt(mean(x^2) + eps) * weight",
            impl={"rms_norm": _rms_by_std},
        ),
        Probe(
            "dx must include the paths through the mean and variance: "
            "dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) * rstd",
            impl="wrong/layer_norm/backward_no_stats_path.py",
            checks=("layer_norm_backward",),
        ),
        Probe(
            "unbiased variance (ddof=1, torch.var's default): layer norm divides by n, the BIASED variance "
            "(x.var(axis=...) with numpy's default ddof=0, torch.var(..., unbiased=False))",
            impl={"layer_norm": _ln_unbiased},
        ),
        Probe(
            "eps added to the standard deviation: it goes INSIDE the square root, 1 / sqrt(var + eps) "
            "(for RMSNorm 1 / sqrt(mean(x^2) + eps)); outside, it shows where the variance is the size of eps",
            impl="wrong/layer_norm/eps_outside_sqrt.py",
            checks=("layer_norm", "rms_norm"),
        ),
        Probe(
            "dweight and dbias sum over every leading (batch) axis, all x.ndim - weight.ndim of them, "
            "not only axis 0: for (B, T, D) input they have weight's shape (D,)",
            impl="wrong/layer_norm/dweight_axis0.py",
            checks=("layer_norm_backward",),
        ),
    ),
)
