"""Correct, in the style of the ALiBi paper's code (Ofir Press's get_slopes, recursive on the closest power of
2): in attention the bias is m * j, the same for every query, added to a -inf upper-triangular mask; that
differs from m * (j - i) by m * i per row, which the softmax removes. alibi_bias returns m * (j - i) as asked."""

import math

import torch


def get_slopes(n):
    def get_slopes_power_of_2(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        ratio = start
        return [start * ratio**i for i in range(n)]

    if math.log2(n).is_integer():
        return get_slopes_power_of_2(n)
    closest_power_of_2 = 2 ** math.floor(math.log2(n))
    return (
        get_slopes_power_of_2(closest_power_of_2) + get_slopes(2 * closest_power_of_2)[0::2][: n - closest_power_of_2]
    )


def alibi_slopes(n_heads):
    return torch.tensor(get_slopes(n_heads), dtype=torch.float64)


def alibi_bias(n_heads, T, dtype=torch.float32):
    context_position = torch.arange(T)[:, None]
    memory_position = torch.arange(T)[None, :]
    relative_position = memory_position - context_position
    return (alibi_slopes(n_heads)[:, None, None] * relative_position[None]).to(dtype)


def alibi_attention(q, k, v):
    nh, T = q.size(1), q.size(2)
    alibi = alibi_slopes(nh).unsqueeze(1).unsqueeze(1) * torch.arange(T).unsqueeze(0).unsqueeze(0).expand(nh, -1, -1)
    mask = torch.triu(torch.full((T, T), float("-inf"), dtype=torch.float64), 1)
    mask = (mask.unsqueeze(0) + alibi).to(q.dtype)  # (nh, T, T)
    att = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1)) + mask
    return torch.softmax(att, dim=-1) @ v
