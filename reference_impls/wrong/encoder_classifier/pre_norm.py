"""Wrong: pre-norm blocks (GPT-2's layout) where BERT uses post-norm."""

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED_HINT = "BERT's are post-norm"


@dataclass
class EncoderClassifierConfig:
    vocab_size: int = 32
    max_len: int = 16
    d_model: int = 16
    n_head: int = 2
    n_layer: int = 2
    d_ff: int = 64
    n_classes: int = 3
    pad_id: int = 0


class Attention(nn.Module):
    def __init__(self, d, nh):
        super().__init__()
        self.nh = nh
        self.in_proj = nn.Linear(d, 3 * d)
        self.out_proj = nn.Linear(d, d)

    def forward(self, x, pad):
        B, T, d = x.shape
        q, k, v = (t.view(B, T, self.nh, -1).transpose(1, 2) for t in self.in_proj(x).split(d, dim=2))
        att = (q @ k.transpose(-2, -1) / math.sqrt(d // self.nh)).masked_fill(pad[:, None, None, :], float("-inf"))
        return self.out_proj((att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, d))


class MLP(nn.Module):
    def __init__(self, d, d_ff):
        super().__init__()
        self.c_fc, self.c_proj = nn.Linear(d, d_ff), nn.Linear(d_ff, d)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, d, nh, d_ff):
        super().__init__()
        self.ln_1, self.attn, self.ln_2, self.mlp = nn.LayerNorm(d), Attention(d, nh), nn.LayerNorm(d), MLP(d, d_ff)

    def forward(self, x, pad):
        x = x + self.attn(self.ln_1(x), pad)  # pre-norm
        return x + self.mlp(self.ln_2(x))


class EncoderClassifier(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = c = config
        self.tok_emb, self.pos_emb = nn.Embedding(c.vocab_size, c.d_model), nn.Embedding(c.max_len, c.d_model)
        self.emb_ln = nn.LayerNorm(c.d_model)
        self.layers = nn.ModuleList(Block(c.d_model, c.n_head, c.d_ff) for _ in range(c.n_layer))
        self.pooler, self.classifier = nn.Linear(c.d_model, c.d_model), nn.Linear(c.d_model, c.n_classes)

    def forward(self, idx):
        x = self.emb_ln(self.tok_emb(idx) + self.pos_emb.weight[: idx.size(1)])
        pad = idx == self.config.pad_id
        for layer in self.layers:
            x = layer(x, pad)
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))
