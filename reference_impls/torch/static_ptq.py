"""Static post-training quantization: calibration observers, quantization parameters, an INT8 linear
with requantization, and a small MLP quantized end to end (its accuracy and size before and after).

Static PTQ (Nagel et al. 2021, "A White Paper on Neural Network Quantization", Sec. 3; PyTorch's
eager-mode torch.ao.quantization: prepare -> calibrate -> convert) fixes every activation's scale
and zero point offline from a calibration set, so inference runs in integers only:

    observers    the range [lo, hi] an activation takes on the calibration batches:
                 min-max (all batches), moving-average min-max (lo += c (batch min - lo), the first
                 batch sets it), percentile (the p-th and (100 - p)-th percentiles of the values: a
                 few outliers no longer stretch the range), MSE (the clipped range [a lo, a hi],
                 a = k / n_grid, whose fake-quantized values are closest to the data)
    qparams      torch.ao's calculate_qparams: lo = min(lo, 0), hi = max(hi, 0);
                 affine     s = (hi - lo) / (qmax - qmin),  z = clamp(qmin - round(lo / s), qmin, qmax)
                 symmetric  s = max(-lo, hi) / ((qmax - qmin) / 2),  z = 0 (int8) or 128 (uint8)
                 s at least float32's eps (an all-zero range)
    int8 linear  acc = sum_k (x_q - z_x) w_q (int32: int8 x int8 products summed over K overflow
                 int16), bias as int32 in the accumulator's scale s_x s_w, then requantize:
                 y_q = clamp(round(acc * s_x s_w / s_y) + z_y, qmin, qmax)
    dynamic      (quantize_dynamic) weights offline, the activation's range measured on every call:
                 no calibration, float out: acc s_x s_w + bias
    the model    x -> quint8 (calibrated) -> int8 linear -> ReLU -> int8 linear -> logits (dequantized);
                 the ReLU is free: the hidden range starts at 0, so z = 0 and clamping at 0 is the ReLU

Weights are qint8 symmetric (quant range [-128, 127], so s = max|w| / 127.5 as torch.ao's default),
per tensor or per output channel (one scale per row of W: axis 0); activations quint8 affine [0, 255].

Source: torch/ao/quantization/observer.py (MinMaxObserver, MovingAverageMinMaxObserver,
PerChannelMinMaxObserver, _calculate_qparams) and the fbgemm requantization; tests/reference/
test_static_ptq_reference.py checks the observers and qparams against torch.ao, the linears against
torch.ao.nn.quantized.Linear and quantized::linear_dynamic, the model against eager-mode convert.
Limits: Linear layers only (no conv, no BatchNorm folding); the MSE search is over symmetric
shrinkings of [lo, hi] only; round() is half-to-even (torch.round).
"""

import torch

EPS = torch.finfo(torch.float32).eps


def _values(batches, ch_axis=None):
    """The calibration batches as one tensor: flattened, or (channels, values) for a channel axis."""
    if ch_axis is None:
        return torch.cat([b.reshape(-1) for b in batches])
    return torch.cat([b.movedim(ch_axis, 0).reshape(b.shape[ch_axis], -1) for b in batches], dim=1)


def minmax_observer(batches, ch_axis=None):
    """-> (min, max) over every batch: 0-d, or one per index of ch_axis."""
    v = _values(batches, ch_axis)
    dim = None if ch_axis is None else 1
    return (v.amin(), v.amax()) if dim is None else (v.amin(dim=dim), v.amax(dim=dim))


def moving_average_observer(batches, averaging_constant=0.01):
    """-> (min, max): the first batch's range, then an exponential moving average of each batch's."""
    lo, hi = batches[0].amin(), batches[0].amax()
    for b in batches[1:]:
        lo = lo + averaging_constant * (b.amin() - lo)
        hi = hi + averaging_constant * (b.amax() - hi)
    return lo, hi


def percentile_observer(batches, percentile=99.9):
    """-> (the (100 - p)-th, the p-th percentile) of all values (linear interpolation, as numpy)."""
    v = _values(batches)
    q = torch.tensor([1 - percentile / 100, percentile / 100], dtype=v.dtype)
    lo, hi = torch.quantile(v, q)
    return lo, hi


def calculate_qparams(min_val, max_val, qmin=0, qmax=255, symmetric=False):
    """-> (scale in min_val's dtype, zero_point int64), per tensor or per channel (shaped like min_val)."""
    lo = torch.clamp(min_val, max=0)  # the range holds 0: zero padding and ReLU zeros stay exact
    hi = torch.clamp(max_val, min=0)
    if symmetric:
        scale = torch.maximum(-lo, hi) / ((qmax - qmin) / 2)
        scale = torch.clamp(scale, min=EPS)
        zero_point = torch.full_like(scale, 0 if qmin < 0 else (qmin + qmax + 1) // 2, dtype=torch.int64)
        return scale, zero_point
    scale = torch.clamp((hi - lo) / (qmax - qmin), min=EPS)
    zero_point = torch.clamp(qmin - torch.round(lo / scale), qmin, qmax).to(torch.int64)
    return scale, zero_point


def quantize(x, scale, zero_point, qmin=0, qmax=255, axis=None):
    """clamp(round(x / s) + z, qmin, qmax) as int64; per channel along `axis` when s is 1-d."""
    if axis is not None:
        view = [1] * x.dim()
        view[axis] = -1
        scale, zero_point = scale.reshape(view), zero_point.reshape(view)
    return torch.clamp(torch.round(x / scale) + zero_point, qmin, qmax).to(torch.int64)


def dequantize(q, scale, zero_point, axis=None):
    """s (q - z) in the scale's dtype."""
    if axis is not None:
        view = [1] * q.dim()
        view[axis] = -1
        scale, zero_point = scale.reshape(view), zero_point.reshape(view)
    return (q - zero_point).to(scale.dtype) * scale


def mse_observer(batches, qmin=0, qmax=255, n_grid=100):
    """-> (a lo, a hi) for the a in {1/n_grid, ..., 1} whose fake-quantized values have the lowest MSE."""
    v = _values(batches)
    lo, hi = torch.clamp(v.amin(), max=0), torch.clamp(v.amax(), min=0)
    best, best_err = None, None
    for k in range(1, n_grid + 1):
        a = k / n_grid
        scale, zp = calculate_qparams(lo * a, hi * a, qmin, qmax)
        err = ((dequantize(quantize(v, scale, zp, qmin, qmax), scale, zp) - v) ** 2).mean()
        if best_err is None or err < best_err:  # strictly lower: the smallest a of a tie is kept
            best, best_err = (lo * a, hi * a), err
    return best


def int_accumulate(x_q, x_zero_point, w_q):
    """sum_k (x_q - z_x)[..., k] * w_q[n, k] as int32: (..., K) x (N, K) -> (..., N)."""
    return (x_q.to(torch.int32) - int(x_zero_point)) @ w_q.to(torch.int32).T


def int8_linear(x_q, x_scale, x_zero_point, w_q, w_scale, bias, out_scale, out_zero_point, qmin=0, qmax=255):
    """The quantized Linear: int32 accumulate, int32 bias, requantize to [qmin, qmax] (int64 codes).

    x_q (..., K) codes with a per-tensor (x_scale, x_zero_point); w_q (N, K) symmetric codes with
    w_scale 0-d or (N,); bias (N,) float or None; out_scale, out_zero_point per tensor.
    """
    acc = int_accumulate(x_q, x_zero_point, w_q)  # (..., N) int32
    acc_scale = x_scale * w_scale  # the accumulator's scale: every product carries s_x s_w
    if bias is not None:
        acc = acc + torch.round(bias / acc_scale).to(torch.int32)
    y = torch.round(acc.to(acc_scale.dtype) * (acc_scale / out_scale)) + out_zero_point
    return torch.clamp(y, qmin, qmax).to(torch.int64)


def dynamic_int8_linear(x, w_q, w_scale, bias=None, qmax=255):
    """Dynamic PTQ's Linear (torch.ao.nn.quantized.dynamic.Linear): x's range measured on this call.

    x float (..., K) -> quint8 codes over [0, qmax] from its own min and max (no calibration), the int32
    accumulator against the int8 weight, then back to float: acc * s_x * s_w + bias, in x's dtype.
    torch's dynamic Linear passes reduce_range=True (qmax = 127) on x86: fbgemm's vpmaddubsw adds
    pairs of uint8 x int8 products in int16, which 7-bit activations cannot overflow.
    """
    x_scale, x_zero_point = calculate_qparams(x.amin(), x.amax(), 0, qmax)
    acc = int_accumulate(quantize(x, x_scale, x_zero_point, 0, qmax), x_zero_point, w_q)
    y = acc.to(x.dtype) * (x_scale * w_scale).to(x.dtype)
    return y if bias is None else y + bias


def ptq_mlp(w1, b1, w2, b2, calib_x, x, per_channel=False):
    """Static PTQ of Linear-ReLU-Linear: calibrate on calib_x (min-max), run x in integers, dequantize.

    -> logits (len(x), classes) in x's dtype: the int8 model's, s_y (y_q - z_y).
    """
    w_axis = 0 if per_channel else None
    in_scale, in_zp = calculate_qparams(*minmax_observer([calib_x]))
    h = torch.relu(calib_x @ w1.T + b1)
    h_scale, h_zp = calculate_qparams(*minmax_observer([h]))
    out_scale, out_zp = calculate_qparams(*minmax_observer([h @ w2.T + b2]))

    def weight(w):
        lo, hi = minmax_observer([w], ch_axis=w_axis)
        scale, zp = calculate_qparams(lo, hi, -128, 127, symmetric=True)
        return quantize(w, scale, zp, -128, 127, axis=w_axis), scale

    (w1_q, w1_scale), (w2_q, w2_scale) = weight(w1), weight(w2)
    x_q = quantize(x, in_scale, in_zp)
    h_q = int8_linear(x_q, in_scale, in_zp, w1_q, w1_scale, b1, h_scale, h_zp)  # ReLU: clamped at z = 0
    y_q = int8_linear(h_q, h_scale, h_zp, w2_q, w2_scale, b2, out_scale, out_zp)
    return dequantize(y_q, out_scale, out_zp)


def model_size_bytes(layer_shapes, per_channel=False):
    """-> (float32 bytes, int8 bytes) of Linear layers given as (out_features, in_features).

    float32: 4 bytes per weight and bias. int8: 1 byte per weight, 4 per bias (int32), and one
    float32 scale per layer (per tensor) or per output channel (per channel); symmetric weights
    store no zero point. (The activations' few scales and zero points are left out.)
    """
    fp32 = sum(4 * (n * k + n) for n, k in layer_shapes)
    int8 = sum(n * k + 4 * n + 4 * (n if per_channel else 1) for n, k in layer_shapes)
    return fp32, int8
