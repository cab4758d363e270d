"""Correct, in the style of Meta's Llama code: the rotation as a complex multiply (torch.polar,
view_as_complex), with the thetas and YaRN's ramp computed in float32 (as the paper's code runs them) and
returned as float64. The rotation itself keeps x's precision: complex128 for float64 input."""

import math

import torch


def rope_frequencies(head_dim, base=10000.0):
    return (1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))).to(torch.float64)


def apply_rope(x, positions, theta):
    angles = torch.outer(positions.to(torch.float64), theta.to(torch.float64))
    freqs_cis = torch.polar(torch.ones_like(angles), angles)  # e^{i m theta}, complex128
    real = x.to(torch.float64) if x.dtype == torch.float64 else x.float()
    pairs = torch.view_as_complex(real.reshape(*x.shape[:-1], -1, 2).contiguous())  # (x_2i, x_2i+1) -> x_2i + i x_2i+1
    rotated = pairs * freqs_cis.to(pairs.dtype)
    return torch.view_as_real(rotated).flatten(-2).to(x.dtype)


def yarn_frequencies(head_dim, base=10000.0, scale=1.0, original_max_position=2048, alpha=1.0, beta=32.0):
    theta = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    r = original_max_position * theta / (2 * math.pi)  # turns per wavelength over the training length
    gamma = ((r - alpha) / (beta - alpha)).clamp(0.0, 1.0)
    return ((1 - gamma) * theta / scale + gamma * theta).to(torch.float64)


def yarn_attention_scale(scale):
    return 0.1 * math.log(scale) + 1.0 if scale > 1 else 1.0
