"""Wrong: the causal mask is built with torch.triu(ones, diagonal=0), which hides the diagonal too: a
query cannot see its own key, and the first query sees nothing at all (nan)."""

import math

import torch

from reference_impls.torch.gqa import GroupedQueryAttention as _GQA
from reference_impls.torch.gqa import repeat_kv

EXPECTED_HINT = "the causal mask hides the diagonal"


class GroupedQueryAttention(_GQA):
    def forward(self, x, is_causal=True):
        B, T, _ = x.shape
        hs = self.head_dim
        q = self.q_proj(x).view(B, T, self.n_head, hs).transpose(1, 2)
        k = self.k_proj(x).view(B, T, self.n_kv_head, hs).transpose(1, 2)
        v = self.v_proj(x).view(B, T, self.n_kv_head, hs).transpose(1, 2)
        n_rep = self.n_head // self.n_kv_head
        k, v = repeat_kv(k, n_rep), repeat_kv(v, n_rep)
        scores = q @ k.transpose(-2, -1) / math.sqrt(hs)
        if is_causal:
            future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=0)  # the mistake: diagonal=1
            scores = scores.masked_fill(future, float("-inf"))
        y = torch.softmax(scores, dim=-1) @ v
        return self.o_proj(y.transpose(1, 2).reshape(B, T, self.n_head * hs))
