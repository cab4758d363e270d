"""Correct, in the style of Mistral's reference code: heads kept as (B, T, heads, head_dim) until the
matmul, keys and values repeated with torch.repeat_interleave on dim=2, a -inf upper-triangular additive
mask, and the softmax upcast (promote_types, so that float64 stays float64) then cast back with type_as."""

import torch
from torch import nn


def repeat_kv(x, n_rep):
    # the entry point is (B, n_kv, T, hs): the mistral helper works on (B, T, n_kv, hs); transpose around it
    return torch.repeat_interleave(x.transpose(1, 2), repeats=n_rep, dim=2).transpose(1, 2)


class GroupedQueryAttention(nn.Module):
    def __init__(self, d_model, n_head, n_kv_head):
        super().__init__()
        self.n_heads, self.n_kv_heads = n_head, n_kv_head
        self.repeats = n_head // n_kv_head
        self.head_dim = d_model // n_head
        self.scale = self.head_dim**-0.5
        self.q_proj = nn.Linear(d_model, n_head * self.head_dim, bias=False)
        self.k_proj = nn.Linear(d_model, n_kv_head * self.head_dim, bias=False)
        self.v_proj = nn.Linear(d_model, n_kv_head * self.head_dim, bias=False)
        self.o_proj = nn.Linear(n_head * self.head_dim, d_model, bias=False)

    def forward(self, x, is_causal=True):
        bsz, seqlen, _ = x.shape
        xq = self.q_proj(x).view(bsz, seqlen, self.n_heads, self.head_dim)
        xk = self.k_proj(x).view(bsz, seqlen, self.n_kv_heads, self.head_dim)
        xv = self.v_proj(x).view(bsz, seqlen, self.n_kv_heads, self.head_dim)
        key = torch.repeat_interleave(xk, repeats=self.repeats, dim=2)
        value = torch.repeat_interleave(xv, repeats=self.repeats, dim=2)
        xq, key, value = xq.transpose(1, 2), key.transpose(1, 2), value.transpose(1, 2)
        scores = torch.matmul(xq, key.transpose(2, 3)) * self.scale
        if is_causal:
            mask = torch.full((seqlen, seqlen), float("-inf"), dtype=x.dtype).triu(diagonal=1)
            scores = scores + mask
        scores = torch.softmax(scores.to(torch.promote_types(x.dtype, torch.float32)), dim=-1).type_as(xq)
        output = torch.matmul(scores, value)
        return self.o_proj(output.transpose(1, 2).contiguous().view(bsz, seqlen, -1))
