"""Wrong: the scores are divided by sqrt(d_model) instead of sqrt(head_dim): the softmax is too flat by a
factor sqrt(n_head) in the logits."""

import math

from reference_impls.torch.attention import scaled_dot_product_attention
from reference_impls.torch.gqa import GroupedQueryAttention as _GQA
from reference_impls.torch.gqa import repeat_kv

EXPECTED_HINT = "scale the scores by 1/sqrt(head_dim)"


class GroupedQueryAttention(_GQA):
    def forward(self, x, is_causal=True):
        B, T, C = x.shape
        hs = self.head_dim
        q = self.q_proj(x).view(B, T, self.n_head, hs).transpose(1, 2)
        k = self.k_proj(x).view(B, T, self.n_kv_head, hs).transpose(1, 2)
        v = self.v_proj(x).view(B, T, self.n_kv_head, hs).transpose(1, 2)
        n_rep = self.n_head // self.n_kv_head
        scale = 1.0 / math.sqrt(C)  # the mistake: d_model, not the head's size
        y = scaled_dot_product_attention(q, repeat_kv(k, n_rep), repeat_kv(v, n_rep), is_causal=is_causal, scale=scale)
        return self.o_proj(y.transpose(1, 2).reshape(B, T, self.n_head * hs))
