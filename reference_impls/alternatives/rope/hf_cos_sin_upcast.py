"""Correct, in Hugging Face's style adapted to this exercise's ADJACENT pairs (GPT-J's rotate_every_two):
cos and sin built once per call, the arithmetic in at least float32 (their rotary upcasts half precision),
with promote_types so that float64 input keeps float64; the angles in float64 as the task says."""

import math

import torch


def rope_frequencies(head_dim, base=10000.0):
    return 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).to(torch.float64) / head_dim))


def rotate_every_two(x):
    x1, x2 = x[..., ::2], x[..., 1::2]
    return torch.stack((-x2, x1), dim=-1).flatten(-2)


def apply_rope(x, positions, theta):
    compute = torch.promote_types(x.dtype, torch.float32)
    freqs = positions.to(torch.float64)[:, None] * theta.to(torch.float64)[None, :]  # (T, d/2)
    emb = torch.repeat_interleave(freqs, 2, dim=-1)  # (T, d): each angle for both features of its pair
    cos, sin = emb.cos().to(x.dtype).to(compute), emb.sin().to(x.dtype).to(compute)
    xc = x.to(compute)
    return (xc * cos + rotate_every_two(xc) * sin).to(x.dtype)


def yarn_frequencies(head_dim, base=10000.0, scale=1.0, original_max_position=2048, alpha=1.0, beta=32.0):
    inv_freq = rope_frequencies(head_dim, base)
    wavelength = 2 * math.pi / inv_freq
    r = original_max_position / wavelength
    extrapolation = torch.clamp((r - alpha) / (beta - alpha), 0.0, 1.0)  # 1: keep theta, 0: interpolate
    return inv_freq / scale * (1 - extrapolation) + inv_freq * extrapolation


def yarn_attention_scale(scale):
    if scale <= 1:
        return 1.0
    return 0.1 * math.log(scale) + 1.0
