"""Rotary position embeddings (RoPE) and YaRN's scaling of them for longer contexts.

RoPE (Su et al. 2021, "RoFormer", Sec. 3.2, Eq. 14-15) rotates each pair of features (x_2i, x_2i+1)
of a query or key at position m by the angle m * theta_i, theta_i = base^(-2i/d):

    out_2i   = x_2i cos(m theta_i) - x_2i+1 sin(m theta_i)
    out_2i+1 = x_2i sin(m theta_i) + x_2i+1 cos(m theta_i)

so <rope(q, m), rope(k, n)> depends on m - n only: attention sees relative positions. (Llama's
reference code views the pairs as complex numbers; GPT-NeoX and Hugging Face's rotate_half pair
feature i with i + d/2 instead: the same idea, another layout, and checkpoints are permuted to match.)

YaRN (Peng et al. 2023, "YaRN: Efficient Context Window Extension of Large Language Models",
Sec. 3.2 "NTK-by-parts" and Sec. 3.4) extends a model trained on L = original_max_position tokens
by a factor s = scale. Dimension d has wavelength lambda_d = 2 pi / theta_d and turns
r(d) = L / lambda_d times over the training context:

    gamma(r) = 0 if r < alpha,  1 if r > beta,  (r - alpha) / (beta - alpha) otherwise   (the ramp)
    h(theta_d) = (1 - gamma(r(d))) * theta_d / s + gamma(r(d)) * theta_d

High frequencies (r > beta, many turns) keep theta_d (they encode local order); low frequencies
(r < alpha, less than a turn) are interpolated, theta_d / s (Position Interpolation); the ramp
blends in between. alpha = 1, beta = 32 for Llama. The attention temperature t of Sec. 3.4,
sqrt(1/t) = 0.1 ln(s) + 1, multiplies both q and k (so the logits by 1/t): yarn_attention_scale.

Limits: the paper's ramp, linear in r. Hugging Face and the YaRN repository's code ramp linearly in
the dimension INDEX instead, between the dimensions where r = beta and r = alpha (floor / ceil,
`find_correction_range`): the same outside the ramp, different inside it (up to ~2x in h(theta_d)
for Llama 2 at s = 16), so their frequencies do not match these. Angles in float64, cast to x's dtype.
"""

import math

import torch


def rope_frequencies(head_dim, base=10000.0):
    """(head_dim / 2,) float64: theta_i = base^(-2i / head_dim)."""
    return base ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)


def apply_rope(x, positions, theta):
    """x (..., T, head_dim), positions (T,) ints, theta (head_dim / 2,) -> x rotated, same shape and dtype."""
    angles = positions.to(torch.float64)[:, None] * theta.to(torch.float64)[None, :]  # (T, hd/2)
    cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
    x1, x2 = x[..., 0::2], x[..., 1::2]  # (..., T, hd/2): the pairs
    return torch.stack([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1).flatten(-2)  # interleave back


def yarn_frequencies(head_dim, base=10000.0, scale=1.0, original_max_position=2048, alpha=1.0, beta=32.0):
    """(head_dim / 2,) float64: h(theta_d), YaRN's NTK-by-parts frequencies."""
    theta = rope_frequencies(head_dim, base)
    r = original_max_position * theta / (2 * math.pi)  # L / lambda_d: turns over the training context
    gamma = ((r - alpha) / (beta - alpha)).clamp(0.0, 1.0)
    return (1 - gamma) * theta / scale + gamma * theta


def yarn_attention_scale(scale):
    """sqrt(1/t) = 0.1 ln(s) + 1 for s > 1 (1 otherwise): multiply q and k (or cos and sin) by it."""
    return 0.1 * math.log(scale) + 1.0 if scale > 1 else 1.0
