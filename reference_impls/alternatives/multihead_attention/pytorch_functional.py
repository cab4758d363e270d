"""Correct, in the style of PyTorch's F.multi_head_attention_forward: the batch-first inputs turned
sequence-first, heads folded into the batch as (B * nh, T, hd) for bmm, q pre-scaled, the causal and
key-padding masks merged into one additive float mask consumed by torch.baddbmm; a dropout argument that
only acts in training mode (the checks run the module in eval mode)."""

import math

import torch
import torch.nn.functional as F
from torch import nn

from reference_impls.torch.multihead import SingleHeadAttention  # noqa


class MultiHeadAttention(nn.Module):
    def __init__(self, embed_dim, num_heads, bias=True, dropout=0.1):
        super().__init__()
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.head_dim = embed_dim // num_heads
        self.dropout = dropout
        self.in_proj = nn.Linear(embed_dim, 3 * embed_dim, bias=bias)
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)

    def forward(self, query, key, value, key_padding_mask=None, is_causal=False):
        query, key, value = (x.transpose(0, 1) for x in (query, key, value))  # batch_first -> (T, B, E)
        tgt_len, bsz, embed_dim = query.shape
        src_len = key.shape[0]
        w_q, w_k, w_v = self.in_proj.weight.chunk(3)
        b_q, b_k, b_v = self.in_proj.bias.chunk(3) if self.in_proj.bias is not None else (None, None, None)
        q, k, v = F.linear(query, w_q, b_q), F.linear(key, w_k, b_k), F.linear(value, w_v, b_v)
        q = q.view(tgt_len, bsz * self.num_heads, self.head_dim).transpose(0, 1)
        k = k.view(src_len, bsz * self.num_heads, self.head_dim).transpose(0, 1)
        v = v.view(src_len, bsz * self.num_heads, self.head_dim).transpose(0, 1)
        attn_mask = torch.zeros(bsz, self.num_heads, tgt_len, src_len, dtype=q.dtype)
        if is_causal:
            attn_mask = attn_mask.masked_fill(torch.ones(tgt_len, src_len, dtype=torch.bool).triu(1), float("-inf"))
        if key_padding_mask is not None:
            attn_mask = attn_mask.masked_fill(key_padding_mask.view(bsz, 1, 1, src_len), float("-inf"))
        attn_mask = attn_mask.view(bsz * self.num_heads, tgt_len, src_len)
        q_scaled = q * math.sqrt(1.0 / float(self.head_dim))
        attn_output_weights = torch.baddbmm(attn_mask, q_scaled, k.transpose(-2, -1))
        attn_output_weights = F.softmax(attn_output_weights, dim=-1)
        if self.dropout > 0.0 and self.training:
            attn_output_weights = F.dropout(attn_output_weights, p=self.dropout)
        attn_output = torch.bmm(attn_output_weights, v)
        attn_output = attn_output.transpose(0, 1).contiguous().view(tgt_len * bsz, embed_dim)
        attn_output = self.out_proj(attn_output).view(tgt_len, bsz, embed_dim)
        attn_output_weights = attn_output_weights.view(bsz, self.num_heads, tgt_len, src_len).mean(dim=1)
        return attn_output.transpose(1, 0), attn_output_weights
