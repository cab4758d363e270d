"""Wrong: the backward's mask tests x / scale + zero_point before rounding: 7.2 (rounds to 7, inside) counts as clamped."""

import torch

EXPECTED_HINT = "tests x / scale before rounding"


class FakeQuantize(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale, zero_point, quant_min, quant_max):
        v = x / scale + zero_point
        q = torch.clamp(torch.round(v), quant_min, quant_max)
        ctx.save_for_backward((v >= quant_min) & (v <= quant_max))  # the mistake: v, not round(v)
        return (q - zero_point) * scale

    @staticmethod
    def backward(ctx, grad_output):
        (inside,) = ctx.saved_tensors
        return grad_output * inside, None, None, None, None


def fake_quantize(x, scale, zero_point=0, quant_min=-128, quant_max=127):
    return FakeQuantize.apply(x, scale, zero_point, quant_min, quant_max)
