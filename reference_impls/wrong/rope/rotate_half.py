"""Wrong: Hugging Face's rotate_half layout (feature i paired with i + d/2) instead of adjacent pairs."""

import math

import torch

EXPECTED_HINT = "rotate_half"


def rope_frequencies(head_dim, base=10000.0):
    return 1.0 / base ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)


def apply_rope(x, positions, theta):
    angles = torch.outer(positions.double(), theta.double())
    emb = torch.cat([angles, angles], dim=-1)
    x1, x2 = x[..., : x.size(-1) // 2], x[..., x.size(-1) // 2 :]
    rotated = torch.cat([-x2, x1], dim=-1)
    return x * emb.cos().to(x.dtype) + rotated * emb.sin().to(x.dtype)


def yarn_frequencies(head_dim, base=10000.0, scale=1.0, original_max_position=2048, alpha=1.0, beta=32.0):
    theta = rope_frequencies(head_dim, base)
    r = original_max_position / (2 * math.pi / theta)
    gamma = torch.clamp((r - alpha) / (beta - alpha), 0, 1)
    return (1 - gamma) * theta / scale + gamma * theta


def yarn_attention_scale(scale):
    return 1.0 if scale <= 1 else 0.1 * math.log(scale) + 1
