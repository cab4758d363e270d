"""INT8 quantization: symmetric and asymmetric, per-tensor / per-channel / group-wise; dequantize; MSE.

A float x is stored as an integer q with a float scale s (and an integer zero-point z):

    symmetric (int8):   s = max|x| / 127                    q = clamp(round(x / s), -127, 127)    x ~ s q
    asymmetric (uint8): lo = min(min x, 0), hi = max(max x, 0)
                        s = (hi - lo) / 255,  z = clamp(round(-lo / s), 0, 255)
                        q = clamp(round(x / s) + z, 0, 255)                                    x ~ s (q - z)

Symmetric spends one code (-128) to keep zero at q = 0 with no zero-point arithmetic (weights, which
are centred); asymmetric uses all 256 codes over [lo, hi] (activations after ReLU are all >= 0).
Widening the range to include 0 makes 0 exact (zero padding stays zero). round() is half-to-even,
as torch.round and torch.quantize_per_tensor.

Granularity: one (s, z) for the whole tensor; one per channel (slice along `axis`, e.g. each output
row of a Linear weight: axis=0); or one per group of `group_size` consecutive elements along the last
axis (GPTQ / AWQ / llama.cpp-style blocks). Finer granularity costs more scales and wastes less range
on outliers: one outlier stretches the scale of everything that shares it, so the other values
round to a few codes. With 1% outliers, per-channel error is several times smaller than per-tensor
(outlier_comparison; Module 1.1 exercise 2).

Shapes: per-tensor s is a 0-d tensor; per-channel s keeps x's dims with size 1 off `axis` (it
broadcasts); group-wise s is (*x.shape[:-1], x.shape[-1] // group_size). A scale that would be 0
(an all-zero slice) is 1 instead.

Source: as torch.ao.quantization's MinMaxObserver / PerChannelMinMaxObserver + torch.quantize_per_tensor
/ quantize_per_channel (tests/reference/test_quantize.py), symmetric with quant_min=-127,
quant_max=127 (the observer's default [-128, 127] divides max|x| by 127.5); Nagel et al. 2021, "A White Paper on
Neural Network Quantization", Sec. 2. Limits: min/max calibration only (no percentile or MSE
search); int8 / uint8 only; the last axis must divide by group_size.
"""

import torch


def _grouped(x, group_size):
    """x (..., n) -> (..., n // group_size, group_size), or x itself when group_size is None."""
    if group_size is None:
        return x
    return x.reshape(*x.shape[:-1], x.shape[-1] // group_size, group_size)


def _reduce_dims(x, axis, group_size):
    if group_size is not None:
        return (-1,)
    if axis is None:
        return tuple(range(x.dim()))
    axis = axis % x.dim()
    return tuple(d for d in range(x.dim()) if d != axis)


def _keep(t, axis, group_size):
    """The scale's returned shape: 0-d per tensor, keepdim per channel, (..., groups) per group."""
    if group_size is not None:
        return t.squeeze(-1)
    return t.reshape(()) if axis is None else t


def quantize_symmetric(x, axis=None, group_size=None):
    """-> (q int8 like x, scale)."""
    xg = _grouped(x, group_size)
    amax = xg.abs().amax(dim=_reduce_dims(xg, axis, group_size), keepdim=True)
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    q = torch.clamp(torch.round(xg / scale), -127, 127).to(torch.int8)
    return q.reshape(x.shape), _keep(scale, axis, group_size)


def quantize_asymmetric(x, axis=None, group_size=None):
    """-> (q uint8 like x, scale, zero_point int64 shaped like scale)."""
    xg = _grouped(x, group_size)
    dims = _reduce_dims(xg, axis, group_size)
    lo = xg.amin(dim=dims, keepdim=True).clamp(max=0)  # include 0 in the range: 0 stays exact
    hi = xg.amax(dim=dims, keepdim=True).clamp(min=0)
    scale = (hi - lo) / 255
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    zero_point = torch.clamp(torch.round(-lo / scale), 0, 255)
    q = torch.clamp(torch.round(xg / scale) + zero_point, 0, 255).to(torch.uint8)
    return q.reshape(x.shape), _keep(scale, axis, group_size), _keep(zero_point.to(torch.int64), axis, group_size)


def dequantize(q, scale, zero_point=None, group_size=None):
    """s * (q - z), in the scale's dtype and q's shape (group_size: as given to quantize)."""
    if group_size is not None:  # (..., groups) -> (..., groups, 1) against q as (..., groups, group_size)
        scale = scale.unsqueeze(-1)
        zero_point = None if zero_point is None else zero_point.unsqueeze(-1)
    qg = _grouped(q, group_size).to(scale.dtype)
    if zero_point is not None:
        qg = qg - zero_point.to(scale.dtype)
    return (qg * scale).reshape(q.shape)


def quantization_mse(x, x_hat):
    """Mean squared quantization error."""
    return ((x - x_hat) ** 2).mean()


def weights_with_outliers(rows, cols, fraction=0.01, outlier_scale=10.0, generator=None, dtype=torch.float32):
    """N(0, 1) weights where a random `fraction` of the entries are multiplied by outlier_scale."""
    w = torch.randn(rows, cols, generator=generator, dtype=dtype)
    mask = torch.rand(rows, cols, generator=generator) < fraction
    return torch.where(mask, w * outlier_scale, w)


def outlier_comparison(w):
    """(per-tensor MSE, per-channel MSE) of symmetric int8 on a weight matrix (channels = rows)."""
    q, s = quantize_symmetric(w)
    per_tensor = quantization_mse(w, dequantize(q, s))
    q, s = quantize_symmetric(w, axis=0)
    per_channel = quantization_mse(w, dequantize(q, s))
    return per_tensor, per_channel
