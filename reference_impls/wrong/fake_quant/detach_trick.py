"""Wrong: the detach shortcut, y = x + (fq(x) - x).detach(): the forward is right, but the gradient passes
everywhere, clamped values included."""

import torch

EXPECTED_HINT = "the gradient also flows where the value was clamped"


def fake_quantize(x, scale, zero_point=0, quant_min=-128, quant_max=127):
    fq = (torch.clamp(torch.round(x / scale) + zero_point, quant_min, quant_max) - zero_point) * scale
    return x + (fq - x).detach()
