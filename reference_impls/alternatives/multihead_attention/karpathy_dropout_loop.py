"""Correct, in the style of Karpathy's 'Let's build GPT' video: a registered `tril` buffer sliced [:T, :T],
nn.Dropout modules on the weights and the output (inactive in eval mode, as the checks run it), and the
multi-head module as a loop over heads, each a slice of in_proj's rows, concatenated with torch.cat."""

import torch
import torch.nn.functional as F
from torch import nn

dropout = 0.2


class SingleHeadAttention(nn.Module):
    def __init__(self, n_embd, head_size):
        super().__init__()
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.value = nn.Linear(n_embd, head_size, bias=False)
        self.register_buffer("tril", torch.tril(torch.ones(256, 256)))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, is_causal=True):
        B, T, C = x.shape
        k = self.key(x)
        q = self.query(x)
        wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5
        if is_causal:
            wei = wei.masked_fill(self.tril[:T, :T] == 0, float("-inf"))
        wei = F.softmax(wei, dim=-1)
        wei = self.dropout(wei)
        v = self.value(x)
        return wei @ v


class MultiHeadAttention(nn.Module):
    def __init__(self, embed_dim, num_heads, bias=True):
        super().__init__()
        self.num_heads = num_heads
        self.in_proj = nn.Linear(embed_dim, 3 * embed_dim, bias=bias)
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.dropout = nn.Dropout(dropout)

    def forward(self, query, key, value, key_padding_mask=None, is_causal=False):
        E = query.size(-1)
        hs = E // self.num_heads
        q_all = F.linear(query, self.in_proj.weight[:E], None if self.in_proj.bias is None else self.in_proj.bias[:E])
        k_all = F.linear(
            key, self.in_proj.weight[E : 2 * E], None if self.in_proj.bias is None else self.in_proj.bias[E : 2 * E]
        )
        v_all = F.linear(
            value, self.in_proj.weight[2 * E :], None if self.in_proj.bias is None else self.in_proj.bias[2 * E :]
        )
        outs, weights = [], []
        for h in range(self.num_heads):
            q, k, v = (t[..., h * hs : (h + 1) * hs] for t in (q_all, k_all, v_all))
            wei = q @ k.transpose(-2, -1) * hs**-0.5
            if is_causal:
                L, S = wei.shape[-2:]
                wei = wei.masked_fill(torch.tril(torch.ones(L, S)) == 0, float("-inf"))
            if key_padding_mask is not None:
                wei = wei.masked_fill(key_padding_mask[:, None, :], float("-inf"))
            wei = F.softmax(wei, dim=-1)
            weights.append(wei)
            outs.append(self.dropout(wei) @ v)
        out = torch.cat(outs, dim=-1)
        return self.dropout(self.out_proj(out)), torch.stack(weights).mean(0)
