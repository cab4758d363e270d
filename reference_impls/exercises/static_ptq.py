"""Exercise: static post-training quantization: observers, qparams, an INT8 linear, a small MLP end to end."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._torch_io import call_torch, to_numpy, to_torch

WITHIN_ONE_CODE = {"float64": (0.0, 1.0)}  # requantized codes: float32 vs float64 arithmetic may break a tie


def _ints_as_int64(value):
    """Integer arrays compared by value whatever their width (int32 / int64 / uint8 are all fine)."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return value.astype(np.int64)
    if isinstance(value, tuple | list):
        return type(value)(_ints_as_int64(v) for v in value)
    return value


def _call(entry, as_float=False):
    def call(impl, *args, **kwargs):
        out = to_numpy(getattr(impl, entry)(*to_torch(args), **to_torch(kwargs)))
        out = _ints_as_int64(out if isinstance(out, tuple | list) else np.asarray(out))
        return np.asarray(out, dtype=np.float64) if as_float else out

    return call


def _batches(rng, n, shape, shift=0.0, dtype="float32"):
    return [(rng.standard_normal(shape) * rng.uniform(0.5, 2) + shift).astype(dtype) for _ in range(n)]


# -- observers --------------------------------------------------------------------------------------


def minmax_cases():
    rng = np.random.default_rng(3100)
    yield Case("4_batches", (_batches(rng, 4, (8, 12), 0.5),), seed=3100, note="the min and max over EVERY batch")
    yield Case("one_batch_float64", (_batches(rng, 1, (5, 7), -1.0, "float64"),), seed=3100)
    yield Case(
        "per_channel_rows_square",
        (_batches(rng, 3, (12, 12)),),
        {"ch_axis": 0},
        seed=3100,
        note="ch_axis 0: one (min, max) per ROW, reduced over the other axes (a square matrix hides a transpose)",
    )
    yield Case("per_channel_columns", (_batches(rng, 3, (6, 9)),), {"ch_axis": 1}, seed=3100)
    yield Case("per_channel_last_of_3d", (_batches(rng, 2, (2, 3, 5)),), {"ch_axis": -1}, seed=3100)


def moving_average_cases():
    rng = np.random.default_rng(3200)
    yield Case(
        "default_constant",
        (_batches(rng, 6, (10, 4), 1.0),),
        seed=3200,
        note="c = 0.01: the first batch sets the range, later ones move it by 1%",
    )
    yield Case("constant_0.5", (_batches(rng, 5, (10, 4), -2.0),), {"averaging_constant": 0.5}, seed=3200)
    yield Case("one_batch", (_batches(rng, 1, (10, 4)),), {"averaging_constant": 0.3}, seed=3200)


def percentile_cases():
    rng = np.random.default_rng(3300)
    b = _batches(rng, 3, (200,))
    b[1][:3] = [40.0, -25.0, 33.0]
    yield Case("outliers_99.9", (b,), {"percentile": 99.9}, seed=3300, note="three outliers in 600 values")
    yield Case(
        "all_positive_99",
        ([np.abs(x) + 2.0 for x in _batches(rng, 3, (100,))],),
        {"percentile": 99.0},
        seed=3300,
        note="values in [2, ...): the low end is the 1st percentile (about 2), not -the 99th of |x|",
    )
    yield Case("skewed_99.5", ([np.exp(x) - 1.5 for x in _batches(rng, 2, (300,))],), {"percentile": 99.5}, seed=3300)
    yield Case("100_is_min_max", (_batches(rng, 2, (50,), 1.0, "float64"),), {"percentile": 100.0}, seed=3300)


def mse_cases():
    rng = np.random.default_rng(3400)
    yield Case(
        "heavy_tails_4_bit",
        ([rng.standard_t(3, 1500).astype("float32")],),
        {"qmin": 0, "qmax": 15, "n_grid": 40},
        seed=3400,
        note="4 bits on t(3) data: clipping the tails costs less than the rounding it saves",
    )
    yield Case(
        "normal_8_bit", ([rng.standard_normal(1000).astype("float64")],), {"n_grid": 40}, seed=3400, note="8 bits"
    )
    yield Case(
        "shifted_3_bit",
        (_batches(rng, 2, (400,), 2.0),),
        {"qmin": 0, "qmax": 7, "n_grid": 25},
        seed=3400,
        note="mostly positive; the range still holds 0",
    )
    yield Case(
        "all_positive_4_bit",
        ([np.abs(rng.standard_normal(300)).astype("float32") + 0.7],),
        {"qmin": 0, "qmax": 15, "n_grid": 20},
        seed=3400,
        note="values in [0.7, ...): lo is 0, not the smallest value",
    )
    yield Case(
        "all_negative_4_bit",
        ([-np.abs(rng.standard_normal(300)) - 0.4],),
        {"qmin": 0, "qmax": 15, "n_grid": 20},
        seed=3400,
        note="values below -0.4: hi is 0, not the largest value",
    )
    yield Case(
        "dead_channel_ties",
        ([np.abs(rng.standard_normal(64)) * 1e-6],),
        {"n_grid": 10},
        seed=3400,
        note="float64 values near 1e-6: every scale is clamped to eps, every a ties: the smallest a = 1 / n_grid is kept",
    )


# -- qparams, quantize, the integer linear ----------------------------------------------------------


def qparams_cases():
    rng = np.random.default_rng(3500)

    def f(v):  # a 0-d array: it reaches your code as a 0-d tensor
        return np.array(v, dtype=np.float32)

    yield Case("affine_uint8", (f(-1.3), f(2.9)), note="s = (hi - lo) / 255, z = 0 - round(lo / s)")
    yield Case("affine_int8", (f(-0.37), f(5.2)), {"qmin": -128, "qmax": 127})
    yield Case("all_positive", (f(0.8), f(3.0)), note="lo is raised to 0: z = 0")
    yield Case("all_negative", (f(-4.0), f(-0.5)), note="hi is lowered to 0: z = 255")
    yield Case("symmetric_int8", (f(-2.5), f(1.0)), {"qmin": -128, "qmax": 127, "symmetric": True})
    lo, hi = -np.abs(rng.standard_normal(6)) * 3, np.abs(rng.standard_normal(6)) * 3
    yield Case(
        "per_channel_symmetric",
        (lo.astype("float32"), hi.astype("float32")),
        {"qmin": -128, "qmax": 127, "symmetric": True},
        seed=3500,
        note="one scale per channel: s = max(-lo, hi) / 127.5",
    )
    yield Case(
        "per_channel_affine_float64",
        (lo, hi * 0.3),
        seed=3500,
        note="zero points in the middle of the range, where truncating instead of rounding shows",
    )
    yield Case("zero_range", (f(0.0), f(0.0)), note="all zeros: s = float32 eps (never 0), z = 0")


def unsigned_symmetric_cases():
    rng = np.random.default_rng(3550)
    lo, hi = -np.abs(rng.standard_normal(5)) * 2, np.abs(rng.standard_normal(5)) * 2
    yield Case(
        "uint8",
        (lo.astype("float32"), hi.astype("float32")),
        {"symmetric": True},
        seed=3550,
        note="[0, 255]: s = max(-lo, hi) / 127.5, z = 127 or 128",
    )
    yield Case(
        "uint4",
        (np.array(-0.6, np.float32), np.array(1.9, np.float32)),
        {"qmin": 0, "qmax": 15, "symmetric": True},
        note="[0, 15]: z = 7 or 8",
    )


def _compare_unsigned_symmetric(expected, actual, case):
    """The scale as calculate_qparams; the zero point either middle code of [qmin, qmax] (torch.ao takes
    128 for its default quint8 observer, (qmin + qmax) // 2 = 127 where quant_min / quant_max are given)."""
    qmin, qmax = case.kwargs.get("qmin", 0), case.kwargs.get("qmax", 255)
    middle = {(qmin + qmax) // 2, (qmin + qmax + 1) // 2}
    if not isinstance(actual, tuple | list) or len(actual) != 2:
        return "expected (scale, zero_point)"
    scale, zero_point = (np.asarray(a) for a in actual)
    if scale.shape != expected[0].shape or zero_point.shape != expected[1].shape:
        return f"expected scale and zero point of shape {expected[0].shape}, got {scale.shape} and {zero_point.shape}"
    if not np.allclose(scale, expected[0], rtol=1e-5, atol=0):
        return f"scale {scale.ravel()[:3]}, expected {expected[0].ravel()[:3]} (max(-lo, hi) / ((qmax - qmin) / 2))"
    if not all(int(z) in middle for z in zero_point.ravel()):
        return f"zero point {zero_point.ravel()[:3]}, expected the middle of [{qmin}, {qmax}]: {sorted(middle)}"
    return None


def dequantize_cases():
    rng = np.random.default_rng(3650)
    yield Case(
        "per_tensor_float64",
        (rng.integers(0, 256, (4, 6)).astype(np.uint8), np.array(0.0173), np.array(131, np.int64)),
        seed=3650,
        note="uint8 codes, a 0-d float64 scale: the result in float64 (the scale's dtype)",
    )
    yield Case(
        "per_row_5x9",
        (
            rng.integers(-128, 128, (5, 9)).astype(np.int8),
            rng.uniform(0.01, 1, 5).astype("float32"),
            np.zeros(5, np.int64),
        ),
        {"axis": 0},
        seed=3650,
        note="axis 0: row i uses scale[i] (rows at very different scales)",
    )
    yield Case(
        "per_column_affine",
        (rng.integers(0, 16, (6, 4)).astype(np.int64), rng.uniform(0.1, 2, 4).astype("float32"), np.arange(4) * 3),
        {"axis": 1},
        seed=3650,
    )
    yield Case(
        "axis_1_of_3d",
        (
            rng.integers(-128, 128, (2, 3, 5)).astype(np.int8),
            rng.uniform(0.01, 1, 3).astype("float32"),
            np.zeros(3, np.int64),
        ),
        {"axis": 1},
        seed=3650,
    )


def quantize_cases():
    rng = np.random.default_rng(3600)
    x = rng.standard_normal((6, 10)).astype("float32") * 2 + 0.5
    yield Case(
        "affine_per_tensor",
        (x, np.array(0.031, np.float32), np.array(97, np.int64)),
        seed=3600,
        note="values past the range saturate at 0 and 255",
    )
    w = rng.standard_normal((8, 8)).astype("float32") * rng.uniform(0.1, 3, (8, 1)).astype("float32")
    s = (np.abs(w).max(axis=1) / 127.3).astype("float32")
    yield Case(
        "symmetric_per_row",
        (w, s, np.zeros(8, np.int64)),
        {"qmin": -128, "qmax": 127, "axis": 0},
        seed=3600,
        note="axis 0: row i uses scale[i] (a square matrix: a transposed scale shows)",
    )
    yield Case(
        "per_column_float64",
        (w.T.astype("float64"), s.astype("float64"), np.zeros(8, np.int64)),
        {"qmin": -128, "qmax": 127, "axis": 1},
        seed=3600,
    )


def accumulate_cases():
    rng = np.random.default_rng(3700)
    yield Case(
        "random",
        (rng.integers(0, 256, (5, 24)).astype(np.uint8), 131, rng.integers(-128, 128, (7, 24)).astype(np.int8)),
        seed=3700,
        note="uint8 activations (zero point 131), int8 weights -> int32",
    )
    yield Case(
        "extremes_k512",
        (np.full((2, 512), 255, np.uint8), 0, np.full((3, 512), -128, np.int8)),
        note="255 * -128 * 512 = -16,711,680: overflows int8 and int16 (and float16); int32 holds it",
    )
    yield Case(
        "batched_3d",
        (rng.integers(0, 256, (2, 3, 16)).astype(np.uint8), 0, rng.integers(-128, 128, (4, 16)).astype(np.int8)),
        seed=3700,
    )


def _linear_inputs(rng, k, n, per_channel, bias=True, x_shape=(6,), out_scale=None):
    x = (rng.standard_normal((*x_shape, k)) + 0.4).astype("float32")
    w = (rng.standard_normal((n, k)) * rng.uniform(0.05, 0.5, (n, 1))).astype("float32")
    b = (rng.standard_normal(n) * 0.5).astype("float32") if bias else None
    x_scale = np.array((x.max() - min(x.min(), 0)) / 255, np.float32)
    x_zp = int(np.clip(np.round(-min(x.min(), 0) / x_scale), 0, 255))
    x_q = np.clip(np.round(x / x_scale) + x_zp, 0, 255).astype(np.uint8)
    w_scale = (np.abs(w).max(axis=1) if per_channel else np.abs(w).max()) / np.float32(127.3)
    w_q = np.clip(np.round(w / (w_scale[:, None] if per_channel else w_scale)), -128, 127).astype(np.int8)
    y = x @ w.T + (0 if b is None else b)
    y_scale = np.array(out_scale or (y.max() - min(y.min(), 0)) / 255, np.float32)
    y_zp = int(np.clip(np.round(-min(y.min(), 0) / y_scale), 0, 255))
    return (x_q, x_scale, x_zp, w_q, np.asarray(w_scale, np.float32), b, y_scale, y_zp)


def linear_cases():
    rng = np.random.default_rng(3800)
    yield Case(
        "per_tensor",
        _linear_inputs(rng, 24, 10, False),
        seed=3800,
        note="y_q = round(acc * s_x s_w / s_y) + z_y, with the bias as round(b / (s_x s_w)) in the accumulator",
    )
    yield Case("per_channel", _linear_inputs(rng, 32, 8, True), seed=3800, note="w_scale (N,): one per output row")
    yield Case("no_bias_3d", _linear_inputs(rng, 16, 5, True, bias=False, x_shape=(2, 3)), seed=3800)
    yield Case(
        "saturates",
        _linear_inputs(rng, 16, 6, False, out_scale=0.004),
        seed=3800,
        note="an output scale too small for the range: codes clamp to [0, 255]",
    )


def dynamic_cases():
    rng = np.random.default_rng(3850)
    for name, x_shape, per_channel, bias, qmax, dtype, note in (
        ("per_tensor", (6,), False, True, 255, "float32", "x's scale and zero point from this x's own min and max"),
        ("per_channel_3d", (2, 3), True, True, 255, "float32", "w_scale (N,); x (2, 3, K)"),
        ("reduce_range", (5,), True, True, 127, "float32", "qmax 127, as torch's dynamic Linear on x86"),
        ("after_relu_no_bias", (4,), False, False, 255, "float32", "x >= 0: the range still starts at 0"),
    ):
        x = rng.standard_normal((*x_shape, 20)) + 0.3
        if name == "after_relu_no_bias":
            x = np.abs(x) + 0.5
        w = rng.standard_normal((7, 20)) * rng.uniform(0.05, 0.5, (7, 1))
        w_scale = (np.abs(w).max(axis=1) if per_channel else np.abs(w).max()) / 127.3
        w_q = np.clip(np.round(w / (w_scale[:, None] if per_channel else w_scale)), -128, 127).astype(np.int8)
        b = (rng.standard_normal(7) * 0.5).astype(dtype) if bias else None
        yield Case(
            name,
            (x.astype(dtype), w_q, np.asarray(w_scale, dtype), b),
            {"qmax": qmax},
            seed=3850,
            note=note,
        )
    x = (rng.standard_normal((3, 20)) + 0.3).astype("float32")
    w_scale = rng.uniform(0.001, 0.004, 7)  # float64, as computed from a float64 weight
    yield Case(
        "float32_x_float64_scale",
        (x, rng.integers(-128, 128, (7, 20)).astype(np.int8), w_scale, None),
        seed=3850,
        note="w_scale in float64, x in float32: the output in x's dtype",
    )


# -- the model --------------------------------------------------------------------------------------


def _dataset(seed, n, centers):
    """A 10-class stand-in for MNIST-shaped work: 8x8 'images' in [0, 16] around 10 class prototypes."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    x = np.clip(centers[y] + rng.normal(0, 5.0, (n, 64)), 0, 16)
    return x.astype("float32"), y


def _model(seed, hidden=32):
    """A Linear-ReLU-Linear classifier: random ReLU features, the output layer by ridge least squares."""
    rng = np.random.default_rng(seed)
    centers = rng.uniform(0, 16, (10, 64)) * (rng.random((10, 64)) < 0.5)
    x, y = _dataset(seed + 1, 600, centers)
    w1 = (rng.standard_normal((hidden, 64)) / 16).astype("float32")
    w1[:4] *= 8  # a few rows far larger than the rest: what a per-tensor weight scale pays for
    b1 = (rng.standard_normal(hidden) * 0.5).astype("float32")
    h = np.maximum(x @ w1.T + b1, 0)
    hb = np.hstack([h, np.ones((len(h), 1))])
    sol = np.linalg.solve(hb.T @ hb + 1.0 * np.eye(hidden + 1), hb.T @ np.eye(10)[y] * 4)
    return w1, b1, sol[:-1].T.astype("float32").copy(), sol[-1].astype("float32"), centers


def ptq_cases():
    w1, b1, w2, b2, centers = _model(3900)
    calib, _ = _dataset(3902, 128, centers)
    test, labels = _dataset(3903, 400, centers)
    for per_channel in (False, True):
        yield Case(
            "per_channel_weights" if per_channel else "per_tensor",
            (w1, b1, w2, b2, calib, test, labels),
            {"per_channel": per_channel},
            seed=3900,
            note="calibrated on 128 samples (min-max), 400 test samples; weights qint8 symmetric "
            + ("per output row" if per_channel else "per tensor"),
        )
    yield Case(
        "logits_offset_by_the_bias",
        (w1, b1, w2, b2 + np.float32(6.0), calib[:64], test[:100], labels[:100]),
        {"per_channel": True},
        seed=3900,
        note="an output bias of about 6 (the same argmax): the output range is calibrated on x W2^T + b2, bias included",
    )


def _ptq(impl, w1, b1, w2, b2, calib, x, labels, per_channel=False):
    args = to_torch((w1, b1, w2, b2, calib, x))
    logits = to_numpy(impl.ptq_mlp(*args, per_channel=per_channel))
    return {"logits": logits, "accuracy": np.float64((logits.argmax(-1) == labels).mean())}


def _compare_ptq(expected, actual, case):
    logits = actual.get("logits") if isinstance(actual, dict) else None
    if logits is None or np.shape(logits) != expected["logits"].shape:
        return f"expected logits of shape {expected['logits'].shape}, got {np.shape(logits)}"
    step = (expected["logits"].max() - expected["logits"].min()) / 255  # the output scale
    off = np.abs(np.asarray(logits, np.float64) - expected["logits"]) / step
    # a hidden code off by one (fbgemm adds the bias in float; ties at 127.5) moves a logit a few steps, rarely
    if not (off.max() <= 8 and (off > 2).mean() <= 0.01):
        return (
            f"logits differ by up to {off.max():.3g} output steps ({off.max() * step:.4g}); "
            f"{(off > 2).mean():.1%} by more than two (at most 1% by more than two, none by more than eight)"
        )
    if abs(actual["accuracy"] - expected["accuracy"]) > 0.01:
        return f"accuracy {actual['accuracy']:.4f}, expected {expected['accuracy']:.4f}"
    return None


def size_cases():
    yield Case("mlp_64_32_10", ([(32, 64), (10, 32)],), note="per tensor: one float32 scale per layer")
    yield Case("mlp_per_channel", ([(32, 64), (10, 32)],), {"per_channel": True}, note="one scale per output row")
    yield Case("lenet5_linears", ([(120, 400), (84, 120), (10, 84)],), {"per_channel": True})


def _size(impl, shapes, per_channel=False):
    return np.array(impl.model_size_bytes([tuple(s) for s in shapes], per_channel), dtype=np.int64)


# -- known mistakes ---------------------------------------------------------------------------------


def _minmax_over_channel_axis(batches, ch_axis=None):
    from reference_impls.torch.static_ptq import minmax_observer

    if ch_axis is None:
        return minmax_observer(batches)
    v = [b.movedim(ch_axis, -1) for b in batches]  # the mistake: the channel axis is reduced, another kept
    return minmax_observer(v, ch_axis=0)


def _moving_average_from_zero(batches, averaging_constant=0.01):
    import torch

    lo = hi = torch.zeros((), dtype=batches[0].dtype)
    for b in batches:
        lo = lo + averaging_constant * (b.amin() - lo)
        hi = hi + averaging_constant * (b.amax() - hi)
    return lo, hi


def _accumulate_int16(x_q, x_zero_point, w_q):
    import torch

    acc = (x_q.to(torch.int16) - int(x_zero_point)) @ w_q.to(torch.int16).T
    return acc.to(torch.int32)


def _dynamic_bias_in_accumulator(x, w_q, w_scale, bias=None, qmax=255):
    from reference_impls.torch.static_ptq import calculate_qparams, int_accumulate, quantize

    s, z = calculate_qparams(x.amin(), x.amax(), 0, qmax)
    acc = int_accumulate(quantize(x, s, z, 0, qmax), z, w_q).to(x.dtype)
    return (acc if bias is None else acc + bias) * (s * w_scale).to(x.dtype)  # the bias scaled as if it were acc


def _dynamic_range_without_zero(x, w_q, w_scale, bias=None, qmax=255):
    import torch

    from reference_impls.torch.static_ptq import int_accumulate, quantize

    lo, hi = x.amin(), x.amax()
    s = (hi - lo) / qmax
    z = torch.clamp(-torch.round(lo / s), 0, qmax)  # for x > 0 a negative zero point, clamped: values shift
    y = int_accumulate(quantize(x, s, z, 0, qmax), z, w_q).to(x.dtype) * (s * w_scale).to(x.dtype)
    return y if bias is None else y + bias


def _quantize_scale_on_last_axis(x, scale, zero_point, qmin=0, qmax=255, axis=None):
    import torch

    return torch.clamp(torch.round(x / scale) + zero_point, qmin, qmax).to(torch.int64)  # broadcasts on the last axis


def _percentile_nearest_rank(batches, percentile=99.9):
    """The percentiles read off the sorted values at index int(q * (n - 1)): no interpolation."""
    import torch

    from reference_impls.torch.static_ptq import _values

    v = torch.sort(_values(batches)).values
    n = v.numel()
    return v[int((1 - percentile / 100) * (n - 1))], v[int(percentile / 100 * (n - 1))]


def _qparams_symmetric_127(min_val, max_val, qmin=0, qmax=255, symmetric=False):
    """The signed symmetric scale as max|x| / 127 (the LLM int8 habit) instead of / ((qmax - qmin) / 2)."""
    import torch

    from reference_impls.torch.static_ptq import calculate_qparams

    if not symmetric or qmin >= 0:
        return calculate_qparams(min_val, max_val, qmin, qmax, symmetric)
    scale = torch.maximum(-torch.clamp(min_val, max=0), torch.clamp(max_val, min=0)) / qmax
    scale = torch.clamp(scale, min=torch.finfo(torch.float32).eps)
    return scale, torch.zeros_like(scale, dtype=torch.int64)


def _ptq_mlp_hidden_before_relu(w1, b1, w2, b2, calib_x, x, per_channel=False):
    """ptq_mlp with the hidden activation's range observed before the ReLU."""
    from reference_impls.torch.static_ptq import calculate_qparams, dequantize, int8_linear, minmax_observer, quantize

    w_axis = 0 if per_channel else None
    in_scale, in_zp = calculate_qparams(*minmax_observer([calib_x]))
    pre = calib_x @ w1.T + b1  # the mistake: relu(...) is what the hidden codes hold
    h_scale, h_zp = calculate_qparams(*minmax_observer([pre]))
    out_scale, out_zp = calculate_qparams(*minmax_observer([pre @ w2.T + b2]))

    def weight(w):
        lo, hi = minmax_observer([w], ch_axis=w_axis)
        scale, zp = calculate_qparams(lo, hi, -128, 127, symmetric=True)
        return quantize(w, scale, zp, -128, 127, axis=w_axis), scale

    (w1_q, w1_scale), (w2_q, w2_scale) = weight(w1), weight(w2)
    h_q = int8_linear(quantize(x, in_scale, in_zp), in_scale, in_zp, w1_q, w1_scale, b1, h_scale, h_zp)
    y_q = int8_linear(h_q, h_scale, h_zp, w2_q, w2_scale, b2, out_scale, out_zp)
    return dequantize(y_q, out_scale, out_zp)


EXERCISE = Exercise.of(
    info("static_ptq"),
    preamble="import torch\n",
    task="""Static post-training quantization (PTQ), as torch.ao.quantization's eager mode does it
(prepare -> calibrate -> convert): fix every activation's scale s and zero point z offline from a
calibration set, then run the model in integers. Module 1.1's capstone at small scale: a Linear-
ReLU-Linear classifier on 8x8 "images" (a generated stand-in for MNIST; run your code on sklearn's
load_digits or MNIST too).

1. Observers: each takes `batches`, a list of calibration tensors, and returns (lo, hi):
   - `minmax_observer(batches, ch_axis=None)`: the min and max over every batch; with ch_axis, one
     (min, max) per index of that axis (a weight's output rows: ch_axis=0), reduced over the others.
   - `moving_average_observer(batches, averaging_constant=0.01)`: the first batch's min and max,
     then for each later batch lo += c * (batch min - lo), hi likewise (MovingAverageMinMaxObserver).
   - `percentile_observer(batches, percentile=99.9)`: the (100 - p)-th and p-th percentiles of all
     values (torch.quantile, linear interpolation): a few outliers no longer stretch the range.
   - `mse_observer(batches, qmin=0, qmax=255, n_grid=100)`: with lo = min(min, 0), hi = max(max, 0),
     the range (a lo, a hi), a = k / n_grid for k = 1..n_grid, whose quantize-dequantize round
     trip of the values has the lowest mean squared error (the smallest a on a tie).
2. `calculate_qparams(min_val, max_val, qmin=0, qmax=255, symmetric=False) -> (scale, zero_point)`,
   as torch.ao's observers: lo = min(min_val, 0), hi = max(max_val, 0);
   affine: s = (hi - lo) / (qmax - qmin), z = clamp(qmin - round(lo / s), qmin, qmax), an integer;
   symmetric (weights, on the signed range qmin = -128): s = max(-lo, hi) / ((qmax - qmin) / 2), z = 0
   (on an unsigned range, the middle code: 127 or 128 for [0, 255]; torch.ao's default quint8 observer
   takes 128, one given quant_min / quant_max takes (qmin + qmax) // 2).
   s at least torch.finfo(torch.float32).eps. 0-d or per channel (the shape of min_val).
3. `quantize(x, scale, zero_point, qmin=0, qmax=255, axis=None)`: clamp(round(x / s) + z, qmin, qmax)
   as integers; with `axis`, scale[i] applies to index i of that axis. `dequantize(q, scale,
   zero_point, axis=None)`: s (q - z) in the scale's dtype.
4. `int_accumulate(x_q, x_zero_point, w_q)`: sum_k (x_q - z_x) w_q[n, k] as int32, (..., K) x (N, K).
5. `int8_linear(x_q, x_scale, x_zero_point, w_q, w_scale, bias, out_scale, out_zero_point, qmin=0,
   qmax=255)`: the accumulator carries the scale s_x s_w (w_scale 0-d or (N,)); add the bias as
   int32 round(b / (s_x s_w)), then requantize: y_q = clamp(round(acc s_x s_w / s_y) + z_y, qmin, qmax).
6. Dynamic PTQ (torch.ao.quantization.quantize_dynamic) needs no calibration: the weights are
   quantized offline, each activation's range is measured on the call itself.
   `dynamic_int8_linear(x, w_q, w_scale, bias=None, qmax=255)`: x's (scale, zero point) from its own
   min and max over [0, qmax] (calculate_qparams), quantize, int_accumulate, then float out:
   acc * s_x * s_w + bias, in x's dtype (whatever w_scale's dtype). (torch's dynamic Linear uses qmax 127 on x86: reduce_range.)
7. `ptq_mlp(w1, b1, w2, b2, calib_x, x, per_channel=False)`: quantize relu(x W1^T + b1) W2^T + b2:
   min-max on calib_x for the input, the hidden (after ReLU) and the output; affine [0, 255] for
   activations; weights symmetric [-128, 127] per tensor or per output row; x -> quantize -> int8
   linear -> int8 linear -> dequantized logits. The ReLU is free: the hidden range starts at 0, so
   its zero point is 0, and clamping at qmin = 0 is the ReLU.
8. `model_size_bytes(layer_shapes, per_channel=False) -> (float32 bytes, int8 bytes)` for Linear
   layers (out_features, in_features): float32 stores 4 bytes per weight and bias; int8 stores 1 byte
   per weight, 4 per bias (int32) and one float32 scale per layer, or per output row.

The checks compare the accuracy of your int8 model with the reference's (per tensor and per channel)
and its logits within two output steps (a few, rarely, up to eight: a hidden code
off by one moves a logit by a few steps). tests/reference/test_static_ptq_reference.py checks the
reference against torch.ao's observers, torch.ao.nn.quantized.Linear, quantized::linear_dynamic and
eager-mode convert.""",
    entry_points=(
        EntryPoint("minmax_observer", "(batches, ch_axis=None)", "(min, max): 0-d, or one per index of ch_axis."),
        EntryPoint(
            "moving_average_observer",
            "(batches, averaging_constant=0.01)",
            "(min, max): the first batch's, then lo += c * (batch min - lo), hi likewise.",
        ),
        EntryPoint(
            "percentile_observer", "(batches, percentile=99.9)", "(the (100 - p)-th, the p-th percentile), 0-d."
        ),
        EntryPoint(
            "mse_observer",
            "(batches, qmin=0, qmax=255, n_grid=100)",
            "(a lo, a hi) for the a = k / n_grid with the lowest round-trip MSE.",
        ),
        EntryPoint(
            "calculate_qparams",
            "(min_val, max_val, qmin=0, qmax=255, symmetric=False)",
            "(scale in min_val's dtype, integer zero_point), shaped like min_val.",
        ),
        EntryPoint(
            "quantize",
            "(x, scale, zero_point, qmin=0, qmax=255, axis=None)",
            "clamp(round(x / s) + z, qmin, qmax) as integers; per channel along `axis`.",
        ),
        EntryPoint("dequantize", "(q, scale, zero_point, axis=None)", "s (q - z) in the scale's dtype."),
        EntryPoint("int_accumulate", "(x_q, x_zero_point, w_q)", "(x_q - z_x) @ w_q.T as int32: (..., K) -> (..., N)."),
        EntryPoint(
            "int8_linear",
            "(x_q, x_scale, x_zero_point, w_q, w_scale, bias, out_scale, out_zero_point, qmin=0, qmax=255)",
            "int32 accumulate + int32 bias, requantized to the output's scale and zero point: integer codes.",
        ),
        EntryPoint(
            "dynamic_int8_linear",
            "(x, w_q, w_scale, bias=None, qmax=255)",
            "Dynamic PTQ's Linear: x quantized with its own range, int32 accumulate, float out in x's dtype.",
        ),
        EntryPoint(
            "ptq_mlp",
            "(w1, b1, w2, b2, calib_x, x, per_channel=False)",
            "The int8 model's logits (dequantized) for x, (len(x), classes).",
        ),
        EntryPoint(
            "model_size_bytes", "(layer_shapes, per_channel=False)", "(float32 bytes, int8 bytes) of Linear layers."
        ),
    ),
    checks=(
        Check(
            "minmax",
            "minmax_observer",
            minmax_cases,
            call=_call("minmax_observer"),
            description="4 batches, float64; per channel on rows (square), columns, the last axis of 3-D",
        ),
        Check(
            "moving_average",
            "moving_average_observer",
            moving_average_cases,
            call=_call("moving_average_observer"),
            description="c 0.01 and 0.5 over 5-6 batches; one batch",
        ),
        Check(
            "percentile",
            "percentile_observer",
            percentile_cases,
            call=_call("percentile_observer"),
            description="99.9 with outliers, 99 on all-positive values, 99.5 skewed, 100 = min-max",
        ),
        Check(
            "mse",
            "mse_observer",
            mse_cases,
            call=_call("mse_observer"),
            description="4-bit t(3) data, 8-bit normal, 3-bit shifted, all positive, all negative, a dead channel "
            "(ties): the clipped range of least error",
        ),
        Check(
            "qparams",
            "calculate_qparams",
            qparams_cases,
            call=_call("calculate_qparams"),
            tolerance={"float32": (1e-5, 0.0)},  # no absolute slack: a scale of 0 must not pass for eps
            description="affine uint8 / int8, all positive, all negative, symmetric int8, per channel, "
            "a zero range: as torch.ao's observers",
        ),
        Check(
            "qparams_unsigned_symmetric",
            "calculate_qparams",
            unsigned_symmetric_cases,
            call=_call("calculate_qparams"),
            compare=_compare_unsigned_symmetric,
            description="symmetric on [0, 255] and [0, 15]: the zero point is a middle code",
        ),
        Check(
            "quantize",
            "quantize",
            quantize_cases,
            call=_call("quantize"),
            description="affine with saturation, symmetric per row (square) and per column",
        ),
        Check(
            "dequantize",
            "dequantize",
            dequantize_cases,
            call=call_torch("dequantize"),
            description="per tensor in float64 (uint8 codes), per row of 5 x 9, per column with zero points, axis 1 of 3-D",
        ),
        Check(
            "accumulate",
            "int_accumulate",
            accumulate_cases,
            call=call_torch("int_accumulate"),  # int32 exactly: no widening of the dtype here
            description="uint8 x int8 -> int32: random, 255 * -128 * 512 (overflows int16), 3-D",
        ),
        Check(
            "int8_linear",
            "int8_linear",
            linear_cases,
            call=_call("int8_linear", as_float=True),
            tolerance=WITHIN_ONE_CODE,
            description="per tensor, per channel, no bias with 3-D input, saturation: codes within one",
        ),
        Check(
            "dynamic",
            "dynamic_int8_linear",
            dynamic_cases,
            call=call_torch("dynamic_int8_linear"),
            description="per tensor, per channel with 3-D x, qmax 127 (reduce_range), x >= 0 without bias, "
            "a float64 w_scale on float32 x",
        ),
        Check(
            "ptq_mlp",
            "ptq_mlp",
            ptq_cases,
            call=_ptq,
            compare=_compare_ptq,
            description="a 64-32-10 MLP calibrated on 128 samples, 400 test samples, per-tensor and per-channel "
            "weights: logits within two output steps (1% up to eight), accuracy within 1%",
        ),
        Check(
            "model_size",
            "model_size_bytes",
            size_cases,
            call=_size,
            description="64-32-10 per tensor and per channel, LeNet-5's linears",
        ),
    ),
    probes=(
        Probe(
            "torch.quantile interpolates linearly between the two nearest ranks; a value read off the sorted "
            "array at int(q * (n - 1)) (nearest rank, kthvalue) is its neighbour, not the percentile",
            impl={"percentile_observer": _percentile_nearest_rank},
            checks=("percentile",),
        ),
        Probe(
            "symmetric on the signed range divides max|x| by (qmax - qmin) / 2 = 127.5 for [-128, 127], as "
            "torch.ao's observers do, not by 127",
            impl={"calculate_qparams": _qparams_symmetric_127},
            checks=("qparams",),
        ),
        Probe(
            "the hidden range was observed before the ReLU: calibrate on relu(x W1^T + b1); then its zero point is 0 "
            "and the requantize's clamp at qmin = 0 is the ReLU (with a range below 0 the int8 model has no ReLU)",
            impl={"ptq_mlp": _ptq_mlp_hidden_before_relu},
            checks=("ptq_mlp",),
        ),
        Probe(
            "the MSE observer's range does not hold 0: start from lo = min(min x, 0), hi = max(max x, 0), as "
            "calculate_qparams does, and shrink that range by a",
            impl="wrong/static_ptq/mse_range_without_zero.py",
            checks=("mse",),
        ),
        Probe(
            "the bias went into the accumulator unscaled: acc is in units of s_x * s_w, so y = acc * s_x * s_w + b "
            "(the float bias after scaling)",
            impl={"dynamic_int8_linear": _dynamic_bias_in_accumulator},
            checks=("dynamic",),
        ),
        Probe(
            "the activation range does not include 0: lo = min(min x, 0), hi = max(max x, 0), so the zero point "
            "is a code in [0, qmax]",
            impl={"dynamic_int8_linear": _dynamic_range_without_zero},
            checks=("dynamic",),
        ),
        Probe(
            "per-channel statistics along the wrong axis: ch_axis=k keeps axis k (one (min, max) per index of it) "
            "and reduces over all the others",
            impl={"minmax_observer": _minmax_over_channel_axis},
            checks=("minmax",),
        ),
        Probe(
            "the moving average started from 0: the first batch sets lo and hi; only later batches are averaged in",
            impl={"moving_average_observer": _moving_average_from_zero},
            checks=("moving_average",),
        ),
        Probe(
            "the percentile was taken over |x|, giving a symmetric (-q, q): for an asymmetric range take the "
            "(100 - p)-th and the p-th percentiles of x itself",
            impl="wrong/static_ptq/percentile_of_abs.py",
            checks=("percentile",),
        ),
        Probe(
            "the zero point was truncated or left unrounded: z = clamp(qmin - round(lo / s), qmin, qmax), an "
            "integer (int() and .to(torch.int64) truncate toward zero)",
            impl="wrong/static_ptq/zero_point_truncated.py",
            checks=("qparams",),
        ),
        Probe(
            "the per-channel scale broadcast along the last axis: reshape scale to size -1 at `axis` and 1 "
            "elsewhere (scale.reshape(-1, 1) for axis 0 of a 2-D tensor)",
            impl={"quantize": _quantize_scale_on_last_axis},
            checks=("quantize",),
        ),
        Probe(
            "the products were summed in int16 (or int8), which wraps around: accumulate in int32",
            impl={"int_accumulate": _accumulate_int16},
            checks=("accumulate",),
        ),
        Probe(
            "requantized without the input scale: the accumulator's scale is s_x * s_w, so y_q = round(acc * "
            "s_x * s_w / s_y) + z_y (and the bias is round(b / (s_x * s_w)))",
            impl="wrong/static_ptq/requant_without_input_scale.py",
            checks=("int8_linear",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "dequantize",
            "(q - zero_point).to(scale.dtype) * scale",
            "return (q - zero_point) * scale",
            "an integer tensor times a float tensor is already in the float's dtype (0-d included)",
        ),
        Equivalent(
            "dynamic_int8_linear",
            "acc.to(x.dtype) * (x_scale * w_scale).to(x.dtype)",
            "y = acc * (x_scale * w_scale).to(x.dtype)",
            "an int32 tensor times a float tensor is already in the float's dtype (0-d included)",
        ),
        Equivalent(
            "calculate_qparams",
            "(qmin + qmax + 1) // 2",
            "(qmax + 1) // 2",
            "the task leaves the unsigned symmetric zero point free between the two middle codes (127 or 128 on "
            "[0, 255], 7 or 8 on [0, 15]), as torch.ao's observers differ",
        ),
        Equivalent(
            "calculate_qparams",
            "(qmin + qmax + 1) // 2",
            "(qmin + qmax + 2) // 2",
            "the task leaves the unsigned symmetric zero point free between the two middle codes (127 or 128 on "
            "[0, 255], 7 or 8 on [0, 15]), as torch.ao's observers differ",
        ),
        Equivalent(
            "calculate_qparams",
            "(qmin + qmax + 1) // 2",
            "(qmin + qmax) // 2",
            "the task leaves the unsigned symmetric zero point free between the two middle codes (127 or 128 on "
            "[0, 255], 7 or 8 on [0, 15]), as torch.ao's observers differ",
        ),
        Equivalent(
            "calculate_qparams",
            "(qmin + qmax + 1) // 2",
            "(qmin + qmax + 0) // 2",
            "the task leaves the unsigned symmetric zero point free between the two middle codes (127 or 128 on "
            "[0, 255], 7 or 8 on [0, 15]), as torch.ao's observers differ",
        ),
        Equivalent(
            "calculate_qparams",
            "0 if qmin < 0",
            "qmin < (-1)",
            "differs only for qmin = -1, which no quantized range has",
        ),
        Equivalent(
            "dynamic_int8_linear",
            "quantize(x, x_scale, x_zero_point, 0, qmax)",
            "x_zero_point, -1, qmax",
            "z = -round(lo / s) with x >= lo puts every code at 0 or above: a clamp at -1 never acts",
        ),
        Equivalent(
            "minmax_observer",
            "v.amin(dim=dim)",
            "v.amin(dim=-1)",
            "v is 2-D (channels, values): dim 1 is the last",
        ),
        Equivalent(
            "minmax_observer",
            "v.amax(dim=dim)",
            "v.amax(dim=-1)",
            "v is 2-D (channels, values): dim 1 is the last",
        ),
        Equivalent(
            "moving_average_observer",
            "for b in batches[1:]",
            "batches[0:]",
            "the first batch averaged in again moves lo by c * (its min - lo) = 0: a no-op",
        ),
        Equivalent(
            "ptq_mlp",
            "axis=w_axis",
            "axis=0)",
            "per tensor the weight scale is 0-d: reshaped to (1, 1) along axis 0 it broadcasts as before",
        ),
        Equivalent(
            "ptq_mlp",
            "-128, 127, axis=w_axis",
            "-129, 127",
            "s = max|w| / 127.5 puts every code at -128 or above: a clamp at -129 never acts",
        ),
        Equivalent(
            "int8_linear",
            "acc.to(acc_scale.dtype)",
            "y = torch.round(acc * (acc_scale / out_scale)) + out_zero_point",
            "the requantization in float32 instead of the scales' float64: the task leaves its precision free, "
            "and it can move a tie by one code, which the check allows",
        ),
    ),
)
