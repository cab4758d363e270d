"""Wrong: no guard for a slice whose range is 0: its scale is 0, and 0 / 0 gives nan codes."""

import torch

EXPECTED_HINT = "scale 0 for an all-zero slice"


def _grouped(x, group_size):
    return x if group_size is None else x.reshape(*x.shape[:-1], x.shape[-1] // group_size, group_size)


def _dims(x, axis, group_size):
    if group_size is not None:
        return (-1,)
    if axis is None:
        return tuple(range(x.dim()))
    return tuple(d for d in range(x.dim()) if d != axis % x.dim())


def _shape(t, axis, group_size):
    if group_size is not None:
        return t.squeeze(-1)
    return t.reshape(()) if axis is None else t


def quantize_symmetric(x, axis=None, group_size=None):
    xg = _grouped(x, group_size)
    scale = xg.abs().amax(dim=_dims(xg, axis, group_size), keepdim=True) / 127
    q = torch.clamp(torch.round(xg / scale), -127, 127).to(torch.int8)
    return q.reshape(x.shape), _shape(scale, axis, group_size)


def quantize_asymmetric(x, axis=None, group_size=None):
    xg = _grouped(x, group_size)
    dims = _dims(xg, axis, group_size)
    lo = xg.amin(dim=dims, keepdim=True).clamp(max=0)
    hi = xg.amax(dim=dims, keepdim=True).clamp(min=0)
    scale = (hi - lo) / 255
    zp = torch.clamp(torch.round(-lo / scale), 0, 255)
    q = torch.clamp(torch.round(xg / scale) + zp, 0, 255).to(torch.uint8)
    return q.reshape(x.shape), _shape(scale, axis, group_size), _shape(zp.to(torch.int64), axis, group_size)


def dequantize(q, scale, zero_point=None, group_size=None):
    if group_size is not None:
        scale = scale.unsqueeze(-1)
        zero_point = None if zero_point is None else zero_point.unsqueeze(-1)
    qg = _grouped(q, group_size).to(scale.dtype)
    if zero_point is not None:
        qg = qg - zero_point.to(scale.dtype)
    return (qg * scale).reshape(q.shape)


def outlier_comparison(w):
    q, s = quantize_symmetric(w)
    per_tensor = ((w - dequantize(q, s)) ** 2).mean()
    q, s = quantize_symmetric(w, axis=0)
    return per_tensor, ((w - dequantize(q, s)) ** 2).mean()
