"""Correct, in the style of LLM.int8() / bitsandbytes' vector-wise absmax quantization: the scale kept as
127 / absmax and multiplied (x * (127 / absmax)), the asymmetric
scheme as in the quantization white paper, with keepdim reductions and a flattened group view."""

import torch


def _view(x, group_size):
    return x if group_size is None else x.unflatten(-1, (x.shape[-1] // group_size, group_size))


def _amax_dims(x, axis, group_size):
    if group_size is not None:
        return [-1]
    if axis is None:
        return list(range(x.ndim))
    return [d for d in range(x.ndim) if d != axis % x.ndim]


def _out(t, axis, group_size):
    if group_size is not None:
        return t[..., 0]
    return t.squeeze() if axis is None else t


def quantize_symmetric(x, axis=None, group_size=None):
    xv = _view(x, group_size)
    absmax = torch.amax(torch.abs(xv), dim=_amax_dims(xv, axis, group_size), keepdim=True)
    absmax = torch.where(absmax == 0, torch.full_like(absmax, 127.0), absmax)  # scale 1 for an all-zero slice
    q = torch.round(xv * (127.0 / absmax)).clamp_(-127, 127).to(torch.int8)  # LLM.int8(): x * (127 / absmax)
    return q.reshape(x.shape), _out(absmax / 127.0, axis, group_size)


def quantize_asymmetric(x, axis=None, group_size=None):
    xv = _view(x, group_size)
    dims = _amax_dims(xv, axis, group_size)
    x_min = torch.clamp(torch.amin(xv, dim=dims, keepdim=True), max=0.0)
    x_max = torch.clamp(torch.amax(xv, dim=dims, keepdim=True), min=0.0)
    scale = (x_max - x_min) / 255.0
    scale[scale == 0] = 1.0
    zero_point = torch.round(-x_min / scale).clamp(0, 255)
    q = (torch.round(xv / scale) + zero_point).clamp(0, 255).to(torch.uint8)
    return q.reshape(x.shape), _out(scale, axis, group_size), _out(zero_point, axis, group_size).long()


def dequantize(q, scale, zero_point=None, group_size=None):
    if group_size is not None:
        scale = scale[..., None]
        zero_point = zero_point[..., None] if zero_point is not None else None
    qv = _view(q, group_size).to(scale.dtype)
    if zero_point is not None:
        qv = qv - zero_point.to(scale.dtype)
    return (scale * qv).reshape(q.shape)


def outlier_comparison(w):
    def mse(axis):
        q, s = quantize_symmetric(w, axis=axis)
        return torch.mean((w - dequantize(q, s)) ** 2)

    return mse(None), mse(0)
