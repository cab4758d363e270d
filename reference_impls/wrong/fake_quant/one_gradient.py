"""Wrong: backward returns one gradient; forward took five inputs (x, scale, zero_point, quant_min, quant_max)."""

import torch

EXPECTED_HINT = "one gradient per input of forward"


class FakeQuantize(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale, zero_point, quant_min, quant_max):
        r = torch.round(x / scale)
        ctx.save_for_backward((r + zero_point >= quant_min) & (r + zero_point <= quant_max))
        return (torch.clamp(r + zero_point, quant_min, quant_max) - zero_point) * scale

    @staticmethod
    def backward(ctx, grad_output):
        (inside,) = ctx.saved_tensors
        return grad_output * inside  # the mistake: one gradient for five inputs


def fake_quantize(x, scale, zero_point=0, quant_min=-128, quant_max=127):
    return FakeQuantize.apply(x, scale, zero_point, quant_min, quant_max)
