"""Exercise: SmoothQuant's scale migration: the product unchanged, the activation outliers moved into the weights."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._torch_io import call_torch, to_numpy, to_torch


def _activations(seed, tokens=32, d_in=16, outliers=(3, 11), dtype="float32"):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((tokens, d_in))
    x[:, list(outliers)] *= 50  # the same channels in every token, as in LLMs
    return x.astype(dtype), (rng.standard_normal((8, d_in)) * 0.1).astype(dtype)


def _fresh_activations(seed):
    """(rng, x, w, seed) of drawn sizes and outlier channels, drawn afresh on each run."""
    for rng, (tokens, d_in), dtype, s in fresh([(32, 16), (3, 5)], seed=seed, n=1):
        outliers = tuple(int(c) for c in rng.choice(d_in, size=int(rng.integers(0, min(d_in, 3) + 1)), replace=False))
        yield rng, *_activations(s, tokens, d_in, outliers, dtype), s


def scale_cases():
    for k, (alpha, dtype) in enumerate([(0.5, "float32"), (0.75, "float64"), (0.0, "float32"), (1.0, "float64")]):
        x, w = _activations(2200 + k, dtype=dtype)
        yield Case(
            f"alpha_{alpha}",
            (np.abs(x).max(axis=0), w),
            {"alpha": alpha},
            seed=2200 + k,
            note={0.0: "alpha 0: s_j = 1 / max|W_j|", 1.0: "alpha 1: s_j = max|X_j| (all the difficulty to W)"}.get(
                alpha, ""
            ),
        )
    x, w = _activations(2210, d_in=6, outliers=(1,))
    w[:, 4] = 0
    yield Case(
        "zero_weight_column",
        (np.abs(x).max(axis=0), w),
        {"alpha": 0.5},
        seed=2210,
        note="a weight column of zeros: clamp max|W_j| to 1e-5 before the power",
    )
    for rng, x, w, s in _fresh_activations(2250):
        yield Case("fresh", (np.abs(x).max(axis=0), w), {"alpha": round(float(rng.uniform()), 2)}, seed=s)


def _smoothed(impl, x, w, alpha=0.5):
    xs, ws = impl.smooth_linear(to_torch(x), to_torch(w), alpha)
    return {"x_smoothed": to_numpy(xs), "w_smoothed": to_numpy(ws), "product": to_numpy(xs @ ws.T)}


def linear_cases():
    for k, (alpha, shape) in enumerate([(0.5, (32, 16)), (0.8, (40, 16))]):
        x, w = _activations(2300 + k, tokens=shape[0])
        yield Case(
            f"alpha_{alpha}",
            (x, w),
            {"alpha": alpha},
            seed=2300 + k,
            note="s from this x's per-channel maxima; X / s and W * s; the product X W^T unchanged",
        )
    x, w = _activations(2310)
    yield Case(
        "3d_activations",
        (x.reshape(4, 8, 16), w),
        {"alpha": 0.5},
        seed=2310,
        note="x (batch, tokens, d_in): the maxima are over batch AND tokens",
    )
    for rng, x, w, s in _fresh_activations(2350):
        yield Case("fresh", (x, w), {"alpha": round(float(rng.uniform(0.2, 0.8)), 2)}, seed=s)


def smooth_cases():
    x, w = _activations(2400)
    s = np.abs(np.random.default_rng(2400).standard_normal(16)).astype("float32") + 0.5
    yield Case("given_scales", (x, w, s), seed=2400, note="divide X's columns by s, multiply W's columns by s")
    yield Case("ones", (x, w, np.ones(16, dtype="float32")), seed=2400, note="s = 1 changes nothing")
    xw = _activations(2401, dtype="float64")
    yield Case("float64", (*xw, np.linspace(0.5, 3, 16)), seed=2401)
    for rng, x, w, s in _fresh_activations(2450):
        yield Case("fresh", (x, w, rng.uniform(0.3, 3.0, x.shape[-1]).astype(x.dtype)), seed=s)


# -- known mistakes ---------------------------------------------------------------------------------


def _scales(weight_dim=0, swapped=False, clamp=1e-5):
    def smooth_scales(act_absmax, weight, alpha=0.5):
        w = weight.abs().amax(dim=weight_dim)
        w = w if clamp is None else w.clamp(min=clamp)
        if swapped:
            return (act_absmax.pow(1 - alpha) / w.pow(alpha)).clamp(min=1e-5)
        return (act_absmax.pow(alpha) / w.pow(1 - alpha)).clamp(min=1e-5)

    return smooth_scales


def _linear_with_maxima(maxima):
    """smooth_linear with the activation statistic `maxima(x2d)` (x flattened to (tokens, d_in))."""

    def smooth_linear(x, weight, alpha=0.5):
        from reference_impls.torch.smoothquant import smooth, smooth_scales

        return smooth(x, weight, smooth_scales(maxima(x.reshape(-1, x.shape[-1])), weight, alpha))

    return smooth_linear


def _weight_rows_broadcast(case, actual, expected) -> bool:
    """smooth() raised a broadcasting error: s (d_in,) applied along weight's rows (d_out)."""
    message = str(getattr(actual, "message", ""))
    return getattr(actual, "type", None) == "RuntimeError" and "must match the size" in message


def _inverted(x, weight, s):
    return x * s, weight / s


EXERCISE = Exercise.of(
    info("smoothquant"),
    preamble="import torch\n",
    task="""In LLMs a few input channels of a Linear's activations are ~100x larger than the rest, in every
token, so per-tensor int8 activations lose everything else. SmoothQuant (Xiao et al. 2023, Eq. 4)
rescales channel j: Y = X W^T = (X / s)(W * s)^T for nn.Linear's W (d_out, d_in), with

    s_j = max|X_j|^alpha / max|W_j|^(1 - alpha)

(max|X_j| over the tokens, max|W_j| over the OUTPUT rows of column j).

1. `smooth_scales(act_absmax, weight, alpha=0.5)`: s (d_in,), with max|W_j| clamped to >= 1e-5 and
   s clamped to >= 1e-5 (as the authors' smooth.py).
2. `smooth(x, weight, s)`: (x / s, weight * s), broadcasting over x's leading dims.
3. `smooth_linear(x, weight, alpha=0.5)`: s from x's own per-channel maxima (over every leading dim),
   then smooth.

The product is unchanged up to rounding; alpha = 0.5 makes max|X_j / s_j| = max|W_j s_j|; the
reference's test shows W8A8 error falling after smoothing (tests/reference/test_smoothquant.py).""",
    entry_points=(
        EntryPoint(
            "smooth_scales",
            "(act_absmax, weight, alpha=0.5)",
            "s (d_in,) from activation maxima (d_in,) and weight (d_out, d_in).",
        ),
        EntryPoint("smooth", "(x, weight, s)", "(x / s, weight * s)."),
        EntryPoint(
            "smooth_linear", "(x, weight, alpha=0.5)", "Calibrate s on x (max over every leading dim), then smooth."
        ),
    ),
    checks=(
        Check(
            "scales",
            "smooth_scales",
            scale_cases,
            call=call_torch("smooth_scales"),
            description="alpha 0.5 / 0.75 / 0 / 1, float32/64; a zero weight column",
        ),
        Check("smooth", "smooth", smooth_cases, call=call_torch("smooth"), description="given scales, ones, float64"),
        Check(
            "smooth_linear",
            "smooth_linear",
            linear_cases,
            call=_smoothed,
            description="alpha 0.5 and 0.8 on 2 outlier channels; 3-D activations: X / s, W * s and the unchanged product",
        ),
    ),
    probes=(
        Probe(
            "the activation maxima must be of |x|: max over the tokens of x.abs() (a channel whose outliers are "
            "negative has a small signed max)",
            impl={"smooth_linear": _linear_with_maxima(lambda x: x.amax(dim=0))},
            checks=("smooth_linear",),
        ),
        Probe(
            "SmoothQuant's activation statistic is the MAX |x| of each channel over the tokens (the range that int8 "
            "must cover); the mean |x| is AWQ's",
            impl={"smooth_linear": _linear_with_maxima(lambda x: x.abs().mean(dim=0))},
            checks=("smooth_linear",),
        ),
        Probe(
            "s scales the INPUT channels, weight's columns: weight (d_out, d_in) * s broadcasts along the last dim "
            "(weight * s, or s.view(1, -1)); s.view(-1, 1) would scale the rows",
            when=_weight_rows_broadcast,
            checks=("smooth",),  # given an s of d_in scales: a broadcast error is how s was applied
        ),
        Probe(
            "max|W_j| taken over the wrong dimension: for nn.Linear's weight (d_out, d_in) the max over the OUTPUT "
            "dim is weight.abs().amax(dim=0), one per input channel",
            impl={"smooth_scales": _scales(weight_dim=1)},
            checks=("scales",),
        ),
        Probe(
            "alpha and 1 - alpha swapped: s_j = max|X_j|^alpha / max|W_j|^(1 - alpha)",
            impl={"smooth_scales": _scales(swapped=True)},
            checks=("scales",),
        ),
        Probe(
            "a zero weight column gives max|W_j| = 0 and s_j = inf: clamp max|W_j| to >= 1e-5 before the power",
            impl={"smooth_scales": _scales(clamp=None)},
            checks=("scales",),
        ),
        Probe(
            "inverted: divide the activations by s and multiply the weights by s (the outliers must shrink)",
            impl={"smooth": _inverted},
            checks=("smooth",),
        ),
        Probe(
            "the activation maxima were taken over the last token dimension only: reduce over every leading "
            "dimension, x.abs().reshape(-1, d_in).amax(0)",
            impl="wrong/smoothquant/maxima_over_last_dim.py",
            checks=("smooth_linear",),
        ),
    ),
)
