"""Correct, in torch.ao.quantization's style: its observers for the ranges and the qparams, torch's
quantize_per_tensor / quantize_per_channel for the codes, and the model converted in eager mode
(QuantStub -> fused Linear-ReLU -> Linear -> DeQuantStub, prepare / calibrate / convert); the dynamic
Linear is quantized::linear_dynamic on prepacked weights."""

import numpy as np
import torch
from torch.ao import quantization as tq
from torch.ao.quantization import observer as ob


def minmax_observer(batches, ch_axis=None):
    obs = ob.MinMaxObserver() if ch_axis is None else ob.PerChannelMinMaxObserver(ch_axis=ch_axis)
    for b in batches:
        obs(b)
    return obs.min_val, obs.max_val


def moving_average_observer(batches, averaging_constant=0.01):
    obs = ob.MovingAverageMinMaxObserver(averaging_constant=averaging_constant)
    for b in batches:
        obs(b)
    return obs.min_val, obs.max_val


def percentile_observer(batches, percentile=99.9):
    values = torch.cat([b.flatten() for b in batches]).numpy()
    lo, hi = np.percentile(values, [100 - percentile, percentile])
    return torch.tensor(lo, dtype=batches[0].dtype), torch.tensor(hi, dtype=batches[0].dtype)


def calculate_qparams(min_val, max_val, qmin=0, qmax=255, symmetric=False):
    dtype = torch.qint8 if qmin < 0 else torch.quint8
    scheme = torch.per_tensor_symmetric if symmetric else torch.per_tensor_affine
    obs = ob.MinMaxObserver(dtype=dtype, qscheme=scheme, quant_min=qmin, quant_max=qmax)
    scale, zero_point = obs._calculate_qparams(min_val, max_val)  # the observers' own formula, any shape
    return scale.to(min_val.dtype).reshape(min_val.shape), zero_point.reshape(min_val.shape)


def _torch_dtype(qmin):
    return torch.qint8 if qmin < 0 else torch.quint8


def quantize(x, scale, zero_point, qmin=0, qmax=255, axis=None):
    if axis is None:
        q = torch.quantize_per_tensor(x, float(scale), int(zero_point), _torch_dtype(qmin))
    else:
        q = torch.quantize_per_channel(x.float(), scale.double(), zero_point.long(), axis % x.dim(), _torch_dtype(qmin))
    return q.int_repr().long()


def dequantize(q, scale, zero_point, axis=None):
    if axis is not None:
        shape = [1] * q.dim()
        shape[axis] = -1
        scale, zero_point = scale.reshape(shape), zero_point.reshape(shape)
    return (q - zero_point) * scale


def mse_observer(batches, qmin=0, qmax=255, n_grid=100):
    x = torch.cat([b.flatten() for b in batches])
    lo, hi = x.min().clamp(max=0), x.max().clamp(min=0)
    errors = []
    for k in range(1, n_grid + 1):
        s, z = calculate_qparams(lo * k / n_grid, hi * k / n_grid, qmin, qmax)
        q = torch.clamp(torch.round(x / s) + z, qmin, qmax)
        errors.append(float((((q - z) * s - x) ** 2).mean()))
    k = int(np.argmin(errors)) + 1
    return lo * k / n_grid, hi * k / n_grid


def int_accumulate(x_q, x_zero_point, w_q):
    return torch.einsum("...k,nk->...n", x_q.int() - int(x_zero_point), w_q.int())


def int8_linear(x_q, x_scale, x_zero_point, w_q, w_scale, bias, out_scale, out_zero_point, qmin=0, qmax=255):
    acc = int_accumulate(x_q, x_zero_point, w_q)
    if bias is not None:
        acc = acc + torch.round(bias / (x_scale * w_scale)).int()
    multiplier = x_scale * w_scale / out_scale  # the requantization multiplier M = s_x s_w / s_y
    return torch.clamp(torch.round(acc * multiplier) + out_zero_point, qmin, qmax).long()


def dynamic_int8_linear(x, w_q, w_scale, bias=None, qmax=255):
    if w_scale.dim() == 0:
        qw = torch._make_per_tensor_quantized_tensor(w_q.to(torch.int8), float(w_scale), 0)
    else:
        zeros = torch.zeros(len(w_scale), dtype=torch.int64)
        qw = torch._make_per_channel_quantized_tensor(w_q.to(torch.int8), w_scale.double(), zeros, 0)
    packed = torch.ops.quantized.linear_prepack(qw, bias)
    return torch.ops.quantized.linear_dynamic(x, packed, qmax == 127).to(x.dtype)  # reduce_range: [0, 127]


def ptq_mlp(w1, b1, w2, b2, calib_x, x, per_channel=False):
    torch.backends.quantized.engine = "x86" if "x86" in torch.backends.quantized.supported_engines else "qnnpack"
    model = torch.nn.Sequential(
        tq.QuantStub(),
        torch.nn.Linear(w1.shape[1], w1.shape[0]),
        torch.nn.ReLU(),
        torch.nn.Linear(w2.shape[1], w2.shape[0]),
        tq.DeQuantStub(),
    )
    with torch.no_grad():
        model[1].weight.copy_(w1), model[1].bias.copy_(b1), model[3].weight.copy_(w2), model[3].bias.copy_(b2)
    model = tq.fuse_modules(model.eval(), [["1", "2"]])
    weight = (
        ob.PerChannelMinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
        if per_channel
        else ob.MinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric)
    )
    model.qconfig = tq.QConfig(activation=ob.MinMaxObserver.with_args(dtype=torch.quint8), weight=weight)
    tq.prepare(model, inplace=True)
    model(calib_x)
    tq.convert(model, inplace=True)
    return model(x).to(x.dtype)


def model_size_bytes(layer_shapes, per_channel=False):
    fp32 = int8 = 0
    for out_features, in_features in layer_shapes:
        fp32 += 4 * (out_features * in_features + out_features)
        int8 += out_features * in_features + 4 * out_features + 4 * (out_features if per_channel else 1)
    return fp32, int8
