"""alibi.py: the slopes of the paper's code, and attention against F.sdpa with the bias as a float mask."""

import math

import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.alibi import alibi_attention, alibi_bias, alibi_slopes


def paper_get_slopes(n):
    """github.com/ofirpress/attention_with_linear_biases, fairseq/models/transformer.py (verbatim logic)."""

    def get_slopes_power_of_2(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        ratio = start
        return [start * ratio**i for i in range(n)]

    if math.log2(n).is_integer():
        return get_slopes_power_of_2(n)
    closest_power_of_2 = 2 ** math.floor(math.log2(n))
    return (
        get_slopes_power_of_2(closest_power_of_2)
        + paper_get_slopes(2 * closest_power_of_2)[0::2][: n - closest_power_of_2]
    )


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 40, 64, 96])
def test_slopes_match_the_papers_code(n):
    torch.testing.assert_close(
        alibi_slopes(n), torch.tensor(paper_get_slopes(n), dtype=torch.float64), rtol=1e-14, atol=0
    )


def test_hand_worked_slopes():
    assert alibi_slopes(8).tolist() == [1 / 2**i for i in range(1, 9)]  # the paper's example
    assert alibi_slopes(4).tolist() == [1 / 4, 1 / 16, 1 / 64, 1 / 256]  # 2^(-8/4) = 1/4
    assert alibi_slopes(12)[8:].tolist() == pytest.approx([2**-0.5, 2**-1.5, 2**-2.5, 2**-3.5])


@pytest.mark.parametrize("n_heads", [2, 6, 8])
def test_attention_matches_sdpa_with_the_bias(n_heads):
    g = torch.Generator().manual_seed(n_heads)
    q, k, v = (torch.randn(2, n_heads, 7, 4, generator=g, dtype=torch.float64) for _ in range(3))
    m = alibi_slopes(n_heads)
    i, j = torch.arange(7)[:, None], torch.arange(7)[None, :]
    bias = -m[:, None, None] * (i - j).clamp(min=0)  # the paper's -m (i - j) for j <= i
    bias = bias.masked_fill(j > i, float("-inf"))
    torch.testing.assert_close(alibi_attention(q, k, v), F.scaled_dot_product_attention(q, k, v, attn_mask=bias))
    # the paper's implementation adds m * j instead: a constant per row, the same softmax
    bias_j = (m[:, None, None] * j).expand(n_heads, 7, 7).masked_fill(j > i, float("-inf"))
    torch.testing.assert_close(alibi_attention(q, k, v), F.scaled_dot_product_attention(q, k, v, attn_mask=bias_j))


def test_bias_values():
    b = alibi_bias(2, 3, torch.float64)
    assert b[0].tolist() == [[0, 0.0625, 0.125], [-0.0625, 0, 0.0625], [-0.125, -0.0625, 0]]
