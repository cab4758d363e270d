"""multihead.py against nn.MultiheadAttention with copied weights, and single-head against F.sdpa."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from reference_impls.torch.multihead import MultiHeadAttention, SingleHeadAttention


def _pair(E, nh, dtype, seed):
    torch.manual_seed(seed)
    theirs = nn.MultiheadAttention(E, nh, batch_first=True, dtype=dtype)
    with torch.no_grad():
        theirs.in_proj_bias.normal_()  # torch initializes the biases to 0: make them count
        theirs.out_proj.bias.normal_()
    ours = MultiHeadAttention(E, nh).to(dtype)
    ours.load_state_dict(
        {
            "in_proj.weight": theirs.in_proj_weight,
            "in_proj.bias": theirs.in_proj_bias,
            "out_proj.weight": theirs.out_proj.weight,
            "out_proj.bias": theirs.out_proj.bias,
        }
    )
    return ours, theirs


@pytest.mark.parametrize(
    "dtype, tol", [(torch.float32, dict(rtol=1e-5, atol=1e-5)), (torch.float64, dict(rtol=1e-10, atol=1e-12))]
)
@pytest.mark.parametrize("E, nh, L, S", [(16, 4, 5, 5), (12, 3, 1, 6), (8, 1, 4, 7), (16, 16, 3, 3)])
def test_matches_nn_multihead_attention(E, nh, L, S, dtype, tol):
    ours, theirs = _pair(E, nh, dtype, seed=E + nh + L)
    g = torch.Generator().manual_seed(S)
    q, kv = torch.randn(2, L, E, generator=g, dtype=dtype), torch.randn(2, S, E, generator=g, dtype=dtype)
    pad = torch.zeros(2, S, dtype=torch.bool)
    pad[1, S - 2 :] = True  # nn.MultiheadAttention: True = padding, ignored
    for kwargs in ({}, {"key_padding_mask": pad}):
        got, got_w = ours(q, kv, kv, **kwargs)
        want, want_w = theirs(q, kv, kv, **kwargs)
        torch.testing.assert_close(got, want, **tol)
        torch.testing.assert_close(got_w, want_w, **tol)
    if L == S:
        causal = nn.Transformer.generate_square_subsequent_mask(L, dtype=dtype)
        got, got_w = ours(q, q, q, is_causal=True)
        want, want_w = theirs(q, q, q, attn_mask=causal)
        torch.testing.assert_close(got, want, **tol)
        torch.testing.assert_close(got_w, want_w, **tol)


def test_single_head_is_sdpa_of_its_projections():
    torch.manual_seed(0)
    head = SingleHeadAttention(16, 8)
    x = torch.randn(3, 6, 16)
    q, k, v = head.query(x), head.key(x), head.value(x)
    torch.testing.assert_close(head(x), F.scaled_dot_product_attention(q, k, v, is_causal=True))
    torch.testing.assert_close(head(x, is_causal=False), F.scaled_dot_product_attention(q, k, v))
    assert [n for n, _ in head.named_parameters()] == ["key.weight", "query.weight", "value.weight"]


def test_heads_are_independent_blocks_of_features():
    # Changing the value weights of head 1 changes only output features of head 1 before out_proj.
    torch.manual_seed(1)
    mha = MultiHeadAttention(8, 2, bias=False).double()
    with torch.no_grad():
        mha.out_proj.weight.copy_(torch.eye(8))
    x = torch.randn(1, 4, 8, dtype=torch.float64)
    before = mha.self_attention(x)
    with torch.no_grad():
        mha.in_proj.weight[16 + 4 : 16 + 8] *= 2  # W^V rows of head 1
    after = mha.self_attention(x)
    torch.testing.assert_close(after[..., :4], before[..., :4])
    torch.testing.assert_close(after[..., 4:], 2 * before[..., 4:])
