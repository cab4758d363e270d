"""Correct, in the style of LSQ / Brevitas-like QAT code: no autograd.Function; the straight-through estimator
sits on round() alone (round_ste(v) = v + (v.round() - v).detach()), and the clamp stays an ordinary torch.clamp,
whose own gradient is 1 inside [quant_min, quant_max] and 0 outside: together, the STE of the task."""

import torch


def round_ste(v):
    return v + (v.round() - v).detach()


def fake_quantize(x, scale, zero_point=0, quant_min=-128, quant_max=127):
    q = torch.clamp(round_ste(x / scale) + zero_point, quant_min, quant_max)
    return (q - zero_point) * scale
