"""gqa.py against F.scaled_dot_product_attention(enable_gqa=True), and its MHA / MQA ends."""

import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.gqa import GroupedQueryAttention, repeat_kv
from reference_impls.torch.multihead import MultiHeadAttention


@pytest.mark.parametrize("n_head, n_kv_head", [(4, 4), (4, 2), (4, 1), (6, 3), (8, 2)])
@pytest.mark.parametrize("is_causal", [True, False])
def test_matches_sdpa_enable_gqa(n_head, n_kv_head, is_causal):
    torch.manual_seed(n_head * 10 + n_kv_head)
    d = 4 * n_head
    gqa = GroupedQueryAttention(d, n_head, n_kv_head).double()
    x = torch.randn(2, 7, d, dtype=torch.float64)
    B, T, hs = 2, 7, 4
    q = gqa.q_proj(x).view(B, T, n_head, hs).transpose(1, 2)
    k = gqa.k_proj(x).view(B, T, n_kv_head, hs).transpose(1, 2)
    v = gqa.v_proj(x).view(B, T, n_kv_head, hs).transpose(1, 2)
    y = F.scaled_dot_product_attention(q, k, v, is_causal=is_causal, enable_gqa=True)
    want = gqa.o_proj(y.transpose(1, 2).reshape(B, T, d))
    torch.testing.assert_close(gqa(x, is_causal=is_causal), want, rtol=1e-10, atol=1e-12)


def test_repeat_kv_is_repeat_interleave_not_tile():
    x = torch.arange(2 * 3).view(1, 3, 2, 1).float()  # kv heads 0, 1, 2
    torch.testing.assert_close(repeat_kv(x, 2), torch.repeat_interleave(x, 2, dim=1))
    assert repeat_kv(x, 2)[0, :, 0, 0].tolist() == [0, 0, 2, 2, 4, 4]  # query heads 0,1 -> kv 0; 2,3 -> kv 1


def test_n_kv_equal_n_head_is_multi_head_attention():
    torch.manual_seed(3)
    gqa = GroupedQueryAttention(12, 3, 3).double()
    mha = MultiHeadAttention(12, 3, bias=False).double()
    mha.load_state_dict(
        {
            "in_proj.weight": torch.cat([gqa.q_proj.weight, gqa.k_proj.weight, gqa.v_proj.weight]),
            "out_proj.weight": gqa.o_proj.weight,
        }
    )
    x = torch.randn(2, 5, 12, dtype=torch.float64)
    torch.testing.assert_close(gqa(x), mha.self_attention(x, is_causal=True))


def test_multi_query_shares_one_kv_head():
    gqa = GroupedQueryAttention(16, 4, 1)
    assert gqa.k_proj.weight.shape == (4, 16) and gqa.v_proj.weight.shape == (4, 16)
