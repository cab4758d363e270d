"""Wrong: theta_i = base^(-i/d) (the exponent steps by 1/d), so the frequencies decay half as fast."""

import math

import torch

EXPECTED_HINT = "the exponent steps by 2/d"


def rope_frequencies(head_dim, base=10000.0):
    return base ** (-torch.arange(head_dim // 2, dtype=torch.float64) / head_dim)


def apply_rope(x, positions, theta):
    angles = positions.double()[:, None] * theta.double()[None, :]
    cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
    out = torch.empty_like(x)
    out[..., 0::2] = x[..., 0::2] * cos - x[..., 1::2] * sin
    out[..., 1::2] = x[..., 0::2] * sin + x[..., 1::2] * cos
    return out


def yarn_frequencies(head_dim, base=10000.0, scale=1.0, original_max_position=2048, alpha=1.0, beta=32.0):
    theta = rope_frequencies(head_dim, base)
    r = original_max_position / (2 * math.pi / theta)
    gamma = torch.clamp((r - alpha) / (beta - alpha), 0, 1)
    return (1 - gamma) * theta / scale + gamma * theta


def yarn_attention_scale(scale):
    return 1.0 if scale <= 1 else 0.1 * math.log(scale) + 1
