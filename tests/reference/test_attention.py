"""attention.py against F.scaled_dot_product_attention: causal, padding, float and combined masks."""

import math

import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.attention import attention_weights, causal_mask, padding_mask, scaled_dot_product_attention

TOL = {torch.float32: dict(rtol=1e-5, atol=1e-6), torch.float64: dict(rtol=1e-10, atol=1e-12)}


def _qkv(B, H, L, S, E, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(B, H, n, E, generator=g, dtype=dtype) for n in (L, S, S)]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("B, H, L, S, E", [(2, 3, 5, 5, 8), (1, 1, 1, 7, 4), (3, 2, 6, 4, 16)])
def test_matches_sdpa_unmasked_and_causal(B, H, L, S, E, dtype):
    q, k, v = _qkv(B, H, L, S, E, dtype, seed=L * 10 + S)
    torch.testing.assert_close(
        scaled_dot_product_attention(q, k, v), F.scaled_dot_product_attention(q, k, v), **TOL[dtype]
    )
    torch.testing.assert_close(
        scaled_dot_product_attention(q, k, v, is_causal=True),
        F.scaled_dot_product_attention(q, k, v, is_causal=True),
        **TOL[dtype],
    )
    torch.testing.assert_close(
        scaled_dot_product_attention(q, k, v, scale=0.3),
        F.scaled_dot_product_attention(q, k, v, scale=0.3),
        **TOL[dtype],
    )


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_padding_float_and_combined_masks_match_sdpa(dtype):
    q, k, v = _qkv(3, 2, 6, 6, 8, dtype, seed=1)
    pad = padding_mask(torch.tensor([6, 4, 1]), 6)[:, None, None, :]  # (B, 1, 1, S), True = real
    torch.testing.assert_close(
        scaled_dot_product_attention(q, k, v, attn_mask=pad),
        F.scaled_dot_product_attention(q, k, v, attn_mask=pad),
        **TOL[dtype],
    )
    bias = torch.randn(2, 6, 6, generator=torch.Generator().manual_seed(2), dtype=dtype)
    torch.testing.assert_close(
        scaled_dot_product_attention(q, k, v, attn_mask=bias),
        F.scaled_dot_product_attention(q, k, v, attn_mask=bias),
        **TOL[dtype],
    )
    both = pad & causal_mask(6)
    torch.testing.assert_close(
        scaled_dot_product_attention(q, k, v, attn_mask=pad, is_causal=True),
        F.scaled_dot_product_attention(q, k, v, attn_mask=both),
        **TOL[dtype],
    )


def test_masked_weights_are_zero_and_rows_sum_to_one():
    q, k, _ = _qkv(2, 1, 5, 5, 4, torch.float64, seed=3)
    pad = padding_mask(torch.tensor([5, 3]), 5)[:, None, None, :]
    w = attention_weights(q, k, attn_mask=pad, is_causal=True)
    assert (w[1, 0, :, 3:] == 0).all() and (w[..., 0, 1:] == 0).all()
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 1, 5, dtype=torch.float64))


def test_hand_worked_example():
    # One query equally similar to two keys: weights 1/2, 1/2, output the mean of the values.
    q = torch.tensor([[[1.0, 0.0]]])
    k = torch.tensor([[[1.0, 0.0], [1.0, 0.0], [-1.0, 0.0]]])
    v = torch.tensor([[[2.0], [4.0], [100.0]]])
    w = attention_weights(q, k)
    e = math.exp(-2 / math.sqrt(2))  # the third key scores -1/sqrt(2) against 1/sqrt(2)
    torch.testing.assert_close(w, torch.tensor([[[1, 1, e]]]) / (2 + e))
    torch.testing.assert_close(
        scaled_dot_product_attention(q, k, v, attn_mask=torch.tensor([True, True, False])), torch.tensor([[[3.0]]])
    )
    assert causal_mask(3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]
