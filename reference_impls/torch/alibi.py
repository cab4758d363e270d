"""ALiBi: attention with linear biases instead of position embeddings.

    softmax(q_i K^T / sqrt(d) + m_h * [-(i - 0), ..., -2, -1, 0])       (causal: keys j <= i)

Head h adds m_h * (j - i) to the score of key j: 0 for the query's own position, more negative the
farther back. The slopes form a geometric sequence starting at 2^(-8/n) with that same ratio, for n
heads a power of 2 (8 heads: 1/2, 1/4, ..., 1/256). For other n, the paper's code takes the slopes
of the closest smaller power of 2, k, then every other slope of the sequence for 2k, as many as are
missing (12 heads: the 8 slopes for 8, then 16's slopes number 1, 3, 5, 7 in 1-based order).
The paper's own implementation adds m * j (a constant per row added to every key of row i), which
the softmax cannot tell from m * (j - i).

Source: Press et al. 2022, "Train Short, Test Long: Attention with Linear Biases Enables Input
Length Extrapolation", Sec. 3 and Fig. 3; `get_slopes` from github.com/ofirpress/attention_with_linear_biases.
Limits: causal only (the paper's setting); no position embeddings anywhere else.
"""

import math

import torch

from reference_impls.torch.attention import scaled_dot_product_attention


def alibi_slopes(n_heads):
    """(n_heads,) float64 slopes m_h."""

    def power_of_2(n):
        start = 2 ** (-8 / n)
        return [start ** (i + 1) for i in range(n)]

    if math.log2(n_heads).is_integer():
        return torch.tensor(power_of_2(n_heads), dtype=torch.float64)
    closest = 2 ** math.floor(math.log2(n_heads))
    extra = alibi_slopes(2 * closest)[0::2][: n_heads - closest]
    return torch.cat([torch.tensor(power_of_2(closest), dtype=torch.float64), extra])


def alibi_bias(n_heads, T, dtype=torch.float32):
    """(n_heads, T, T): bias[h, i, j] = m_h * (j - i) (negative for past keys, positive above the diagonal)."""
    pos = torch.arange(T, dtype=torch.float64)
    distance = pos[None, :] - pos[:, None]  # (T, T): j - i
    return (alibi_slopes(n_heads)[:, None, None] * distance).to(dtype)


def alibi_attention(q, k, v):
    """q, k, v (B, nh, T, hs) -> (B, nh, T, hs): causal attention with the ALiBi bias of each head."""
    T = q.size(-2)
    bias = alibi_bias(q.size(1), T, q.dtype).to(q.device)  # (nh, T, T), broadcast over the batch
    causal = torch.ones(T, T, dtype=torch.bool, device=q.device).tril()
    return scaled_dot_product_attention(q, k, v, attn_mask=bias.masked_fill(~causal, float("-inf")))
