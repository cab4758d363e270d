"""Wrong: the backward's mask tests round(x / scale) against the range, without the zero-point."""

import torch

EXPECTED_HINT = "leaves out the zero-point"


class FakeQuantize(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale, zero_point, quant_min, quant_max):
        r = torch.round(x / scale)
        ctx.save_for_backward((r >= quant_min) & (r <= quant_max))  # the mistake: r, not r + zero_point
        return (torch.clamp(r + zero_point, quant_min, quant_max) - zero_point) * scale

    @staticmethod
    def backward(ctx, grad_output):
        (inside,) = ctx.saved_tensors
        return grad_output * inside, None, None, None, None


def fake_quantize(x, scale, zero_point=0, quant_min=-128, quant_max=127):
    return FakeQuantize.apply(x, scale, zero_point, quant_min, quant_max)
