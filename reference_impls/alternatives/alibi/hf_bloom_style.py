"""Correct, in Hugging Face BLOOM's style (build_alibi_tensor): slopes as base ** arange(1, closest + 1)
with base = 2^(-2^-(log2(closest) - 3)), the extra heads from the odd powers of the next power of two's
base; attention adds the paper's m * j (one row of key positions, the same for every query: the softmax
ignores a per-row constant, so it equals m * (j - i) under the causal mask), with a float min mask."""

import math

import torch


def alibi_slopes(n_heads):
    closest_power_of_2 = 2 ** math.floor(math.log2(n_heads))
    base = torch.tensor(2 ** (-(2 ** -(math.log2(closest_power_of_2) - 3))), dtype=torch.float64)
    powers = torch.arange(1, 1 + closest_power_of_2, dtype=torch.int32)
    slopes = torch.pow(base, powers)
    if closest_power_of_2 != n_heads:
        extra_base = torch.tensor(2 ** (-(2 ** -(math.log2(2 * closest_power_of_2) - 3))), dtype=torch.float64)
        num_remaining_heads = min(closest_power_of_2, n_heads - closest_power_of_2)
        extra_powers = torch.arange(1, 1 + 2 * num_remaining_heads, 2, dtype=torch.int32)
        slopes = torch.cat([slopes, torch.pow(extra_base, extra_powers)], dim=0)
    return slopes


def alibi_bias(n_heads, T, dtype=torch.float32):
    context_position = torch.arange(T)[:, None]
    memory_position = torch.arange(T)[None, :]
    relative_position = memory_position - context_position  # (T, T): j - i
    return (alibi_slopes(n_heads)[:, None, None] * relative_position).to(dtype)


def alibi_attention(q, k, v):
    batch_size, num_heads, q_length, head_dim = q.shape
    slopes = alibi_slopes(num_heads).to(q.dtype)
    alibi = slopes[:, None] * torch.arange(q_length, dtype=q.dtype)[None, :]  # (nh, T): m * j
    scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(head_dim) + alibi[None, :, None, :]
    causal = torch.triu(torch.ones(q_length, q_length, dtype=torch.bool), diagonal=1)
    scores = scores.masked_fill(causal, torch.finfo(scores.dtype).min)
    attn_weights = torch.softmax(scores, dim=-1)
    return torch.matmul(attn_weights, v)
