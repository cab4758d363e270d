"""Wrong: pre-norm layers (x + sublayer(LN(x))) where the original Transformer is post-norm."""

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED_HINT = "the original Transformer is POST-norm"


@dataclass
class TransformerConfig:
    src_vocab_size: int = 24
    tgt_vocab_size: int = 20
    d_model: int = 16
    n_head: int = 2
    n_layer: int = 2
    d_ff: int = 32
    max_len: int = 32
    pad_id: int = 0


class Attention(nn.Module):
    def __init__(self, d, nh):
        super().__init__()
        self.nh = nh
        self.in_proj = nn.Linear(d, 3 * d)
        self.out_proj = nn.Linear(d, d)

    def forward(self, x, memory=None, pad=None, causal=False):
        memory = x if memory is None else memory
        B, T, d = x.shape
        S = memory.size(1)
        wq, wk, wv = self.in_proj.weight.split(d)
        bq, bk, bv = self.in_proj.bias.split(d)
        q = F.linear(x, wq, bq).view(B, T, self.nh, -1).transpose(1, 2)
        k = F.linear(memory, wk, bk).view(B, S, self.nh, -1).transpose(1, 2)
        v = F.linear(memory, wv, bv).view(B, S, self.nh, -1).transpose(1, 2)
        att = q @ k.transpose(-2, -1) / math.sqrt(d // self.nh)
        if causal:
            att = att.masked_fill(torch.ones(T, S, dtype=torch.bool).triu(1), float("-inf"))
        if pad is not None:
            att = att.masked_fill(pad[:, None, None, :], float("-inf"))
        return self.out_proj((att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, d))


class MLP(nn.Module):
    def __init__(self, d, d_ff):
        super().__init__()
        self.c_fc, self.c_proj = nn.Linear(d, d_ff), nn.Linear(d_ff, d)

    def forward(self, x):
        return self.c_proj(torch.relu(self.c_fc(x)))


class EncoderLayer(nn.Module):
    def __init__(self, d, nh, d_ff):
        super().__init__()
        self.ln_1, self.attn, self.ln_2, self.mlp = nn.LayerNorm(d), Attention(d, nh), nn.LayerNorm(d), MLP(d, d_ff)

    def forward(self, x, pad):
        x = x + self.attn(self.ln_1(x), pad=pad)  # pre-norm
        return x + self.mlp(self.ln_2(x))


class DecoderLayer(nn.Module):
    def __init__(self, d_model, n_head, d_ff):
        super().__init__()
        self.attn, self.ln_1 = Attention(d_model, n_head), nn.LayerNorm(d_model)
        self.cross_attn, self.ln_2 = Attention(d_model, n_head), nn.LayerNorm(d_model)
        self.mlp, self.ln_3 = MLP(d_model, d_ff), nn.LayerNorm(d_model)

    def forward(self, x, memory, memory_key_padding_mask=None):
        x = x + self.attn(self.ln_1(x), causal=True)  # pre-norm
        x = x + self.cross_attn(self.ln_2(x), memory, pad=memory_key_padding_mask)
        return x + self.mlp(self.ln_3(x))


def sinusoid(T, d, dtype):
    pos = torch.arange(T, dtype=torch.float64)[:, None]
    freq = 10000 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * freq), torch.cos(pos * freq)
    return pe.to(dtype)


class Transformer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = c = config
        self.src_embed, self.tgt_embed = nn.Embedding(c.src_vocab_size, c.d_model), nn.Embedding(c.tgt_vocab_size, c.d_model)
        self.encoder = nn.ModuleList(EncoderLayer(c.d_model, c.n_head, c.d_ff) for _ in range(c.n_layer))
        self.decoder = nn.ModuleList(DecoderLayer(c.d_model, c.n_head, c.d_ff) for _ in range(c.n_layer))
        self.generator = nn.Linear(c.d_model, c.tgt_vocab_size)

    def embed(self, table, idx):
        return table(idx) * math.sqrt(self.config.d_model) + sinusoid(idx.size(1), self.config.d_model, table.weight.dtype)

    def encode(self, src):
        x = self.embed(self.src_embed, src)
        for layer in self.encoder:
            x = layer(x, src == self.config.pad_id)
        return x

    def decode(self, tgt, memory, src):
        x = self.embed(self.tgt_embed, tgt)
        for layer in self.decoder:
            x = layer(x, memory, src == self.config.pad_id)
        return x

    def forward(self, src, tgt):
        return self.generator(self.decode(tgt, self.encode(src), src))
