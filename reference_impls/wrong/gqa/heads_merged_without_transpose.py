"""Wrong: the heads' outputs (B, nh, T, hs) reshaped to (B, T, C) without moving the head axis back first."""

from reference_impls.torch.attention import scaled_dot_product_attention
from reference_impls.torch.gqa import GroupedQueryAttention as _Reference
from reference_impls.torch.gqa import repeat_kv

EXPECTED_HINT = "merged without transpose(1, 2)"


class GroupedQueryAttention(_Reference):
    def forward(self, x, is_causal=True):
        B, T, _ = x.shape
        hs = self.head_dim
        q = self.q_proj(x).view(B, T, self.n_head, hs).transpose(1, 2)
        k = self.k_proj(x).view(B, T, self.n_kv_head, hs).transpose(1, 2)
        v = self.v_proj(x).view(B, T, self.n_kv_head, hs).transpose(1, 2)
        n_rep = self.n_head // self.n_kv_head
        y = scaled_dot_product_attention(q, repeat_kv(k, n_rep), repeat_kv(v, n_rep), is_causal=is_causal)
        return self.o_proj(y.reshape(B, T, self.n_head * hs))  # the mistake: (B, nh, T, hs) read as (B, T, nh, hs)
