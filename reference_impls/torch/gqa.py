"""Grouped-query attention (GQA), with multi-query (MQA) and multi-head attention as its two ends.

n_head query heads share n_kv_head key / value heads: query head h reads kv head h // (n_head //
n_kv_head), so each kv head serves a contiguous group of query heads. n_kv_head == n_head is
multi-head attention, n_kv_head == 1 is multi-query attention (Shazeer 2019). The KV cache shrinks
by n_head / n_kv_head (see kv_cache.kv_cache_bytes); the projections for K and V shrink with it.

Source: Ainslie et al. 2023, "GQA: Training Generalized Multi-Query Transformer Models from
Multi-Head Checkpoints", Sec. 2.2; the layout of Llama's attention (q_proj, k_proj, v_proj, o_proj,
no bias; `repeat_kv` = torch.repeat_interleave on the head axis). Checked against
F.scaled_dot_product_attention(..., enable_gqa=True). Limits: no positions (RoPE is rope.py), no cache.
"""

from torch import nn

from reference_impls.torch.attention import scaled_dot_product_attention


def repeat_kv(x, n_rep):
    """(B, n_kv, T, hs) -> (B, n_kv * n_rep, T, hs): kv head j is repeated for query heads j*n_rep .. (j+1)*n_rep - 1."""
    B, n_kv, T, hs = x.shape
    if n_rep == 1:
        return x
    return x[:, :, None, :, :].expand(B, n_kv, n_rep, T, hs).reshape(B, n_kv * n_rep, T, hs)


class GroupedQueryAttention(nn.Module):
    def __init__(self, d_model, n_head, n_kv_head):
        super().__init__()
        assert d_model % n_head == 0 and n_head % n_kv_head == 0
        self.n_head, self.n_kv_head, self.head_dim = n_head, n_kv_head, d_model // n_head
        self.q_proj = nn.Linear(d_model, n_head * self.head_dim, bias=False)
        self.k_proj = nn.Linear(d_model, n_kv_head * self.head_dim, bias=False)
        self.v_proj = nn.Linear(d_model, n_kv_head * self.head_dim, bias=False)
        self.o_proj = nn.Linear(n_head * self.head_dim, d_model, bias=False)

    def forward(self, x, is_causal=True):
        """x (B, T, d_model) -> (B, T, d_model)."""
        B, T, _ = x.shape
        hs = self.head_dim
        q = self.q_proj(x).view(B, T, self.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = self.k_proj(x).view(B, T, self.n_kv_head, hs).transpose(1, 2)  # (B, n_kv, T, hs)
        v = self.v_proj(x).view(B, T, self.n_kv_head, hs).transpose(1, 2)  # (B, n_kv, T, hs)
        n_rep = self.n_head // self.n_kv_head
        y = scaled_dot_product_attention(
            q, repeat_kv(k, n_rep), repeat_kv(v, n_rep), is_causal=is_causal
        )  # (B, nh, T, hs)
        return self.o_proj(y.transpose(1, 2).reshape(B, T, self.n_head * hs))
