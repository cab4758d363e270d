"""Fake quantization with a straight-through estimator (STE): the forward pass of quantization-aware training.

QAT trains in float but makes the forward pass see quantized values: quantize, then immediately
dequantize ("fake" quantization, still float), so the loss feels the rounding and clamping error:

    q     = round(x / s) + z
    y     = (clamp(q, qmin, qmax) - z) * s

round() has zero derivative almost everywhere, which would stop all learning. The STE (Bengio et al.
2013; Jacob et al. 2018, Sec. 3) pretends round is the identity in the backward pass, but keeps the
clamp's derivative: the gradient passes unchanged where q is inside [qmin, qmax] and is zero where
the value was clamped (moving it a little would not change the output):

    dL/dx = dL/dy * 1[qmin <= round(x / s) + z <= qmax]

A torch.autograd.Function with that backward; the result equals torch.fake_quantize_per_tensor_affine
and torch.fake_quantize_per_channel_affine, forward and backward (tests/reference/test_fake_quant.py).
A `y = x + (fq(x) - x).detach()` shortcut gets the forward right but passes gradient everywhere,
clamped values included.

Limits: fixed scale and zero-point (no learned scale as in LSQ, no observer updating them); scale
and zero_point are floats, or tensors that broadcast against x for per-channel.
"""

import torch


class FakeQuantize(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale, zero_point, quant_min, quant_max):
        q = torch.round(x / scale) + zero_point
        inside = (q >= quant_min) & (q <= quant_max)  # where the clamp is the identity
        ctx.save_for_backward(inside)
        return (torch.clamp(q, quant_min, quant_max) - zero_point) * scale

    @staticmethod
    def backward(ctx, grad_out):
        (inside,) = ctx.saved_tensors
        return grad_out * inside, None, None, None, None  # STE: round's gradient taken as 1


def fake_quantize(x, scale, zero_point=0, quant_min=-128, quant_max=127):
    """Quantize-dequantize x in its dtype, with the STE gradient. scale / zero_point: numbers, or
    tensors broadcasting against x (per channel)."""
    return FakeQuantize.apply(x, scale, zero_point, quant_min, quant_max)
