"""Wrong: adds the bias but forgets the causal mask (keys in the future get a positive bias)."""

import math

import torch

EXPECTED_HINT = "the causal mask is missing"


def _power_of_2(n):
    start = 2 ** (-8 / n)
    return [start ** (i + 1) for i in range(n)]


def alibi_slopes(n_heads):
    if math.log2(n_heads).is_integer():
        return torch.tensor(_power_of_2(n_heads), dtype=torch.float64)
    k = 2 ** math.floor(math.log2(n_heads))
    return torch.tensor(_power_of_2(k) + _power_of_2(2 * k)[0::2][: n_heads - k], dtype=torch.float64)


def alibi_bias(n_heads, T, dtype=torch.float32):
    pos = torch.arange(T, dtype=torch.float64)
    return (alibi_slopes(n_heads)[:, None, None] * (pos[None, :] - pos[:, None])).to(dtype)


def alibi_attention(q, k, v):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1)) + alibi_bias(q.size(1), q.size(-2), q.dtype)
    return scores.softmax(-1) @ v
