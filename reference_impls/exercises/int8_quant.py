"""Exercise: INT8 quantization, symmetric and asymmetric, per tensor / per channel / per group; 1% outliers."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._torch_io import call_torch, to_numpy, to_torch

GRANULARITIES = [
    ("per_tensor", (6, 16), {}),
    ("per_channel_rows", (6, 16), {"axis": 0}),
    ("per_channel_columns", (6, 16), {"axis": 1}),
    ("per_channel_last_of_3d", (2, 3, 8), {"axis": -1}),
    ("groups_of_8", (4, 32), {"group_size": 8}),
    ("groups_of_32_3d", (2, 2, 64), {"group_size": 32}),
]


def _cases(seed, shift=0.0):
    def cases():
        for k, (name, shape, kwargs) in enumerate(GRANULARITIES):
            rng = np.random.default_rng(seed + k)
            dtype = "float64" if k % 3 == 2 else "float32"
            x = rng.standard_normal(shape) * rng.uniform(0.1, 3, shape[0]).reshape(-1, *[1] * (len(shape) - 1)) + shift
            yield Case(
                name,
                (x.astype(dtype),),
                kwargs,
                seed=seed + k,
                note="rows of different scales: each slice gets its own scale" if kwargs else "",
            )
        for rng, (rows, cols), dtype, s in fresh([(6, 16), (1, 7)], seed=seed + 60, n=2):  # drawn afresh each run
            group = int(rng.choice([d for d in (2, 4, 8) if cols % d == 0] or [1])) if cols > 1 else 1
            kwargs = [{}, {"axis": 0}, {"axis": -1}, {"group_size": group}][int(rng.integers(4))]
            x = rng.standard_normal((rows, cols)) * rng.uniform(0.1, 3, (rows, 1)) + shift
            yield Case("fresh", (x.astype(dtype),), kwargs, seed=s, note=f"{kwargs or 'per tensor'}")
        rng = np.random.default_rng(seed + 50)
        x = rng.standard_normal((4, 8)).astype("float32")
        x[2] = 0
        yield Case(
            "all_zero_channel",
            (x,),
            {"axis": 0},
            seed=seed + 50,
            note="an all-zero row: scale 1 (not 0: no division by 0), codes 0",
        )
        x = np.abs(rng.standard_normal((3, 10))).astype("float32") + 0.5
        yield Case("all_positive", (x,), {}, seed=seed + 50, note="all x > 0: the range still includes 0")
        yield Case(
            "all_negative_rows",
            (-np.abs(rng.standard_normal((3, 10))).astype("float32") - 0.5,),
            {"axis": 0},
            seed=seed + 50,
            note="all x < 0: the range is [min x, 0], and 0 is code 255 asymmetric",
        )
        yield Case(
            "ties_round_half_to_even",
            (np.array([-31.75, 0.125, 0.375, 0.625, -0.375, 1.0, 31.75], dtype="float64"),),
            {},
            note="symmetric: s = 0.25 and x / s = 0.5, 1.5, 2.5, -1.5: torch.round rounds half to even (0, 2, 2, -2)",
        )

    return cases


def _dequantize(impl, x, symmetric, **kwargs):
    """dequantize(quantize(x)) with the learner's own pair: the round trip."""
    X = to_torch(x)
    if symmetric:
        q, s = impl.quantize_symmetric(X, **kwargs)
        return to_numpy(impl.dequantize(q, s, None, kwargs.get("group_size")))
    q, s, z = impl.quantize_asymmetric(X, **kwargs)
    return to_numpy(impl.dequantize(q, s, z, kwargs.get("group_size")))


def dequantize_cases():
    for symmetric in (True, False):
        for case in _cases(1300 + 100 * symmetric)():
            if case.name in ("per_tensor", "per_channel_columns", "groups_of_8", "all_zero_channel"):
                yield Case(
                    f"{case.name}_{'symmetric' if symmetric else 'asymmetric'}",
                    case.args + (symmetric,),
                    case.kwargs,
                    seed=case.seed,
                    note="your dequantize(your quantize(x)): x back to within half a step",
                )


def _outliers(impl, rows, cols, seed):
    import torch

    from reference_impls.torch.quantize import weights_with_outliers

    w = weights_with_outliers(rows, cols, generator=torch.Generator().manual_seed(seed))
    per_tensor, per_channel = impl.outlier_comparison(w)
    return {
        "mse_per_tensor": to_numpy(per_tensor),
        "mse_per_channel": to_numpy(per_channel),
        "per_channel_wins": bool(per_channel < per_tensor),
    }


def outlier_cases():
    yield Case(
        "256x128", (256, 128, 1400), seed=1400, note="N(0, 1) weights, 1% of the entries x10 (Module 1.1, exercise 2)"
    )
    yield Case("64x512", (64, 512, 1401), seed=1401, note="long rows: most hold an outlier, per-channel wins less")


# -- known mistakes ---------------------------------------------------------------------------------


def _sym(divisor=127, qmin=-127, trunc=False, dims=None, half_up=False):
    def quantize_symmetric(x, axis=None, group_size=None):
        import torch

        from reference_impls.torch.quantize import _grouped, _keep, _reduce_dims

        xg = _grouped(x, group_size)
        reduce = _reduce_dims(xg, axis, group_size) if dims is None else dims(xg, axis, group_size)
        amax = xg.abs().amax(dim=reduce, keepdim=True)
        scale = torch.where(amax > 0, amax / divisor, torch.ones_like(amax))
        r = torch.trunc(xg / scale) if trunc else torch.round(xg / scale)
        if half_up:
            r = torch.floor(xg / scale + 0.5)
        return torch.clamp(r, qmin, 127).to(torch.int8).reshape(x.shape), _keep(scale, axis, group_size)

    return quantize_symmetric


def _reduce_along_axis(xg, axis, group_size):
    from reference_impls.torch.quantize import _reduce_dims

    if axis is None or group_size is not None:
        return _reduce_dims(xg, axis, group_size)
    return (axis % xg.dim(),)


def _asym_without_zero(x, axis=None, group_size=None):
    import torch

    from reference_impls.torch.quantize import _grouped, _keep, _reduce_dims

    xg = _grouped(x, group_size)
    dims = _reduce_dims(xg, axis, group_size)
    lo, hi = xg.amin(dim=dims, keepdim=True), xg.amax(dim=dims, keepdim=True)
    scale = (hi - lo) / 255
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    zp = torch.clamp(torch.round(-lo / scale), 0, 255)
    q = torch.clamp(torch.round(xg / scale) + zp, 0, 255).to(torch.uint8)
    return q.reshape(x.shape), _keep(scale, axis, group_size), _keep(zp.to(torch.int64), axis, group_size)


def _asym_float_zero_point(x, axis=None, group_size=None):
    import torch

    from reference_impls.torch.quantize import _grouped, _keep, _reduce_dims

    xg = _grouped(x, group_size)
    dims = _reduce_dims(xg, axis, group_size)
    lo, hi = xg.amin(dim=dims, keepdim=True).clamp(max=0), xg.amax(dim=dims, keepdim=True).clamp(min=0)
    scale = (hi - lo) / 255
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    zp = -lo / scale
    q = torch.clamp(torch.round(xg / scale + zp), 0, 255).to(torch.uint8)
    return q.reshape(x.shape), _keep(scale, axis, group_size), _keep(zp.to(torch.int64), axis, group_size)


def _asym_rounded_once(x, axis=None, group_size=None):
    """q = round((x - lo) / s): the zero point folded into one rounding, not round(x / s) + round(-lo / s)."""
    import torch

    from reference_impls.torch.quantize import _grouped, _keep, _reduce_dims

    xg = _grouped(x, group_size)
    dims = _reduce_dims(xg, axis, group_size)
    lo, hi = xg.amin(dim=dims, keepdim=True).clamp(max=0), xg.amax(dim=dims, keepdim=True).clamp(min=0)
    scale = (hi - lo) / 255
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    zp = torch.clamp(torch.round(-lo / scale), 0, 255)
    q = torch.clamp(torch.round((xg - lo) / scale), 0, 255).to(torch.uint8)
    return q.reshape(x.shape), _keep(scale, axis, group_size), _keep(zp.to(torch.int64), axis, group_size)


def _dequantize_in_uint8(q, scale, zero_point=None, group_size=None):
    """q - z in q's own uint8: every code below the zero point wraps around (3 - 5 = 254)."""
    from reference_impls.torch.quantize import dequantize

    if zero_point is None:
        return dequantize(q, scale, None, group_size)
    z = zero_point.unsqueeze(-1) if group_size is not None else zero_point
    from reference_impls.torch.quantize import _grouped

    shifted = (_grouped(q, group_size) - z.to(q.dtype)).reshape(q.shape)
    return dequantize(shifted, scale, None, group_size)


def _outliers_per_column(w):
    from reference_impls.torch.quantize import dequantize, quantize_symmetric

    def mse(axis):
        q, s = quantize_symmetric(w, axis=axis)
        return ((w - dequantize(q, s)) ** 2).mean()

    return mse(None), mse(1)


def _outliers_summed(w):
    from reference_impls.torch.quantize import dequantize, quantize_symmetric

    def sse(axis):
        q, s = quantize_symmetric(w, axis=axis)
        return ((w - dequantize(q, s)) ** 2).sum()

    return sse(None), sse(0)


def _reference():
    from reference_impls.torch import quantize

    return quantize


def _dequantize_without_zero_point(q, scale, zero_point=None, group_size=None):
    from reference_impls.torch.quantize import dequantize

    return dequantize(q, scale, None, group_size)


EXERCISE = Exercise.of(
    info("int8_quant"),
    preamble="import torch\n",
    task="""Store floats as 8-bit integers with a float scale s (and an integer zero-point z).

1. `quantize_symmetric(x, axis=None, group_size=None) -> (q int8, scale)`:
   s = max|x| / 127, q = clamp(round(x / s), -127, 127), round half to even (torch.round).
2. `quantize_asymmetric(x, axis=None, group_size=None) -> (q uint8, scale, zero_point int64)`:
   lo = min(min x, 0), hi = max(max x, 0) (0 stays exactly representable), s = (hi - lo) / 255,
   z = clamp(round(-lo / s), 0, 255), q = clamp(round(x / s) + z, 0, 255).
   Both: axis=None is one scale for the tensor (a 0-d tensor); axis=k one per slice along axis k
   (scale keeps x's dims, size 1 except at k, so it broadcasts); group_size=g one per g consecutive
   elements of the last axis (scale (*x.shape[:-1], n // g)). A scale that would be 0 is 1. The scale
   has x's dtype.
3. `dequantize(q, scale, zero_point=None, group_size=None)`: s * (q - z) in the scale's dtype.
4. `outlier_comparison(w) -> (per-tensor MSE, per-channel MSE)`: symmetric int8 of a weight matrix,
   one scale for all vs one per row. With 1% outliers, per-channel wins by far (Module 1.1 ex. 2).

The reference equals torch.ao's MinMaxObserver / PerChannelMinMaxObserver + quantize_per_tensor /
quantize_per_channel (tests/reference/test_quantize.py), the symmetric one only when the observer
is built with quant_min=-127, quant_max=127: its default range [-128, 127] gives s = max|x| / 127.5.""",
    entry_points=(
        EntryPoint("quantize_symmetric", "(x, axis=None, group_size=None)", "(q int8 like x, scale in x's dtype)."),
        EntryPoint(
            "quantize_asymmetric",
            "(x, axis=None, group_size=None)",
            "(q uint8 like x, scale in x's dtype, zero_point int64 shaped like scale).",
        ),
        EntryPoint(
            "dequantize",
            "(q, scale, zero_point=None, group_size=None)",
            "scale * (q - zero_point), in the scale's dtype.",
        ),
        EntryPoint(
            "outlier_comparison", "(w)", "(per-tensor MSE, per-channel MSE) of symmetric int8 on w (channels = rows)."
        ),
    ),
    checks=(
        Check(
            "symmetric",
            "quantize_symmetric",
            _cases(1300),
            call=call_torch("quantize_symmetric"),
            description="per tensor, per row / column / last axis, groups of 8 and 32; an all-zero row, all positive, ties",
        ),
        Check(
            "asymmetric",
            "quantize_asymmetric",
            _cases(1500, shift=1.0),
            call=call_torch("quantize_asymmetric"),
            description="the same granularities on shifted data; an all-zero row, all positive (range includes 0), ties",
        ),
        Check(
            "round_trip",
            "dequantize",
            dequantize_cases,
            call=_dequantize,
            description="your dequantize(your quantize(x)), both schemes, per tensor / column / group, a zero row",
        ),
        Check(
            "outliers",
            "outlier_comparison",
            outlier_cases,
            call=_outliers,
            description="256x128 and 64x512 N(0, 1) weights with 1% outliers x10: both MSEs, per-channel wins",
        ),
    ),
    probes=(
        Probe(
            "divided by 128: with q in [-127, 127] the scale is max|x| / 127 (so max|x| maps to 127 exactly)",
            impl={"quantize_symmetric": _sym(divisor=128)},
        ),
        Probe(
            "truncated instead of rounded: int conversion and torch.trunc cut toward zero; use torch.round first",
            impl={"quantize_symmetric": _sym(trunc=True)},
        ),
        Probe(
            "round half to even, as torch.round: floor(x / s + 0.5) rounds 0.5 up to 1 and 2.5 up to 3 (torch.round: "
            "0 and 2)",
            impl={"quantize_symmetric": _sym(half_up=True)},
        ),
        Probe(
            "reduced over the wrong dimensions: per channel along `axis` means one scale per index of that axis, "
            "the max taken over all the OTHER axes",
            impl={"quantize_symmetric": _sym(dims=_reduce_along_axis)},
        ),
        Probe(
            "the range does not include 0: take lo = min(min x, 0) and hi = max(max x, 0), so that 0 is exactly "
            "representable",
            impl={"quantize_asymmetric": _asym_without_zero},
        ),
        Probe(
            "round the zero point: z = clamp(round(-lo / s), 0, 255) is an integer code (0.0 must map to it exactly); "
            "casting the float -lo / s to int truncates it",
            impl={"quantize_asymmetric": _asym_float_zero_point},
        ),
        Probe(
            "q = round(x / s) + z, with z already rounded: rounding (x - lo) / s at once (the unrounded zero point "
            "inside the rounding) moves a code by one wherever the fractions of x / s and -lo / s add past 0.5",
            impl={"quantize_asymmetric": _asym_rounded_once},
        ),
        Probe(
            "q - zero_point computed in uint8 wraps around below 0 (3 - 5 = 254): convert q and the zero point to "
            "the scale's float dtype (or int32) before subtracting",
            impl={
                "dequantize": _dequantize_in_uint8,
                "quantize_symmetric": lambda *a, **k: _reference().quantize_symmetric(*a, **k),
                "quantize_asymmetric": lambda *a, **k: _reference().quantize_asymmetric(*a, **k),
            },
            checks=("round_trip",),
        ),
        Probe(
            "per channel means one scale per ROW of w (an output channel: axis=0, the max over each row); axis=1 "
            "gives one per column",
            impl={"outlier_comparison": _outliers_per_column},
            checks=("outliers",),
        ),
        Probe(
            "the MSE is the MEAN of the squared errors ((w - w_hat) ** 2).mean(), not their sum",
            impl={"outlier_comparison": _outliers_summed},
            checks=("outliers",),
        ),
        Probe(
            "dequantize must subtract the zero point: x ~ s * (q - z)",
            impl={
                "dequantize": _dequantize_without_zero_point,
                "quantize_symmetric": lambda *a, **k: _reference().quantize_symmetric(*a, **k),
                "quantize_asymmetric": lambda *a, **k: _reference().quantize_asymmetric(*a, **k),
            },
            checks=("round_trip",),
        ),
        Probe(
            "scale 0 for an all-zero slice gives 0 / 0 = nan: use scale 1 where the range is 0",
            impl="wrong/int8_quant/zero_scale.py",
            checks=("symmetric", "asymmetric"),
        ),
    ),
    equivalent_mutants=(
        *(
            Equivalent(
                "quantize_symmetric",
                "torch.clamp(torch.round(xg / scale), -127, 127)",
                edit,
                "|x / s| <= 127 by construction (s = max|x| / 127): the clamp never binds at -128 or 128",
            )
            for edit in ("-128, 127)", "-127, 128)")
        ),
        Equivalent(
            "quantize_asymmetric",
            "zero_point = torch.clamp(torch.round(-lo / scale), 0, 255)",
            "-1, 255)",
            "lo <= 0, so -lo / s >= 0: the lower clamp never binds",
        ),
        Equivalent(
            "quantize_asymmetric",
            "zero_point = torch.clamp(torch.round(-lo / scale), 0, 255)",
            "0, 256)",
            "-lo / s = 255 (-lo) / (hi - lo) <= 255 since hi >= 0: the upper clamp never binds above 255",
        ),
        Equivalent(
            "quantize_asymmetric",
            "torch.clamp(torch.round(xg / scale) + zero_point, 0, 255)",
            "-1, 255)",
            "x >= lo, so round(x / s) >= round(lo / s) = -z (round is odd): the code is never below 0",
        ),
        Equivalent(
            "dequantize",
            "qg = _grouped(q, group_size).to(scale.dtype)",
            "qg = _grouped(q, group_size)",  # the cast deleted
            "int8 / uint8 times a float scale (or minus a float zero-point) promotes to the scale's dtype, and "
            "every code (|q| <= 255) is exact in float16 / bfloat16 / float32: the cast only makes it explicit",
        ),
        Equivalent(
            "dequantize",
            "qg = qg - zero_point.to(scale.dtype)",
            "qg = qg - zero_point",  # the cast deleted
            "qg is already in the scale's dtype, and a float tensor minus an int64 one stays in the float's "
            "dtype; zero-points (0..255) are exact in it",
        ),
    ),
)
