"""Wrong: the returned attention weights are the masked scores averaged over heads, not their softmax."""

import math

import torch
from torch import nn

from reference_impls.torch.multihead import MultiHeadAttention as _Reference
from reference_impls.torch.multihead import SingleHeadAttention  # noqa: F401 - as in the reference

EXPECTED_HINT = "the scores before the softmax"
ALSO_APPLIES = ("part of the output is right",)


class MultiHeadAttention(_Reference):
    def forward(self, query, key, value, key_padding_mask=None, is_causal=False):
        B, L, E = query.shape
        S, nh = key.size(1), self.num_heads
        w_q, w_k, w_v = self.in_proj.weight.chunk(3)
        b_q, b_k, b_v = self.in_proj.bias.chunk(3) if self.in_proj.bias is not None else (None,) * 3
        q = nn.functional.linear(query, w_q, b_q).view(B, L, nh, E // nh).transpose(1, 2)
        k = nn.functional.linear(key, w_k, b_k).view(B, S, nh, E // nh).transpose(1, 2)
        v = nn.functional.linear(value, w_v, b_v).view(B, S, nh, E // nh).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(E // nh)
        if is_causal:
            scores = scores.masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
        if key_padding_mask is not None:
            scores = scores.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
        att = scores.softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, L, E)
        return self.out_proj(y), scores.mean(dim=1)  # the mistake: the scores, not the weights
