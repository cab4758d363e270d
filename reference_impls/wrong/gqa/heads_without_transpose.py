"""Wrong: splits the heads with view(B, n_head, T, hs) straight from (B, T, d_model): each "head" then
holds a slice of consecutive tokens' features, not one head's features of every token."""

from reference_impls.torch.attention import scaled_dot_product_attention
from reference_impls.torch.gqa import GroupedQueryAttention as _GQA
from reference_impls.torch.gqa import repeat_kv

EXPECTED_HINT = "split the heads with view(B, T, n_head, head_dim).transpose(1, 2)"


class GroupedQueryAttention(_GQA):
    def forward(self, x, is_causal=True):
        B, T, _ = x.shape
        hs = self.head_dim
        q = self.q_proj(x).view(B, self.n_head, T, hs)  # the mistake: no (B, T, nh, hs) view + transpose
        k = self.k_proj(x).view(B, self.n_kv_head, T, hs)
        v = self.v_proj(x).view(B, self.n_kv_head, T, hs)
        n_rep = self.n_head // self.n_kv_head
        y = scaled_dot_product_attention(q, repeat_kv(k, n_rep), repeat_kv(v, n_rep), is_causal=is_causal)
        return self.o_proj(y.transpose(1, 2).reshape(B, T, self.n_head * hs))
