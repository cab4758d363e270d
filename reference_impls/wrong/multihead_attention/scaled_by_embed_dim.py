"""Wrong: divides every head's scores by sqrt(embed_dim) instead of sqrt(head_dim)."""

import math

import torch
from torch import nn

from reference_impls.torch import multihead
from reference_impls.torch.multihead import SingleHeadAttention  # noqa: F401 - as in the reference

EXPECTED_HINT = "scaled by sqrt(embed_dim)"


class MultiHeadAttention(multihead.MultiHeadAttention):
    def forward(self, query, key, value, key_padding_mask=None, is_causal=False):
        B, L, E = query.shape
        S, nh = key.size(1), self.num_heads
        b = self.in_proj.bias.chunk(3) if self.in_proj.bias is not None else (None,) * 3
        q, k, v = (
            nn.functional.linear(t, w, bb).view(B, t.size(1), nh, E // nh).transpose(1, 2)
            for t, w, bb in zip((query, key, value), self.in_proj.weight.chunk(3), b)
        )
        scores = q @ k.transpose(-2, -1) / math.sqrt(E)  # the mistake: E is all heads' width, not head_dim
        if is_causal:
            scores = scores.masked_fill(torch.ones(L, S, dtype=torch.bool).triu(1), float("-inf"))
        if key_padding_mask is not None:
            scores = scores.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
        att = scores.softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, L, E)
        return self.out_proj(y), att.mean(dim=1)
