"""Wrong: symmetric quantization code reused for an asymmetric scheme: the zero-point is never added
before the clamp nor subtracted after it."""

import torch

EXPECTED_HINT = "the zero-point was ignored"


class _FakeQuantize(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale, quant_min, quant_max):
        q = torch.round(x / scale)  # the mistake: + zero_point (and - zero_point after the clamp)
        ctx.save_for_backward((q >= quant_min) & (q <= quant_max))
        return torch.clamp(q, quant_min, quant_max) * scale

    @staticmethod
    def backward(ctx, grad_out):
        (inside,) = ctx.saved_tensors
        return grad_out * inside, None, None, None


def fake_quantize(x, scale, zero_point=0, quant_min=-128, quant_max=127):
    return _FakeQuantize.apply(x, scale, quant_min, quant_max)
