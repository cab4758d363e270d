"""Wrong: cross-attention called as cross_attn(memory, x, x): the queries come from the encoder, keys and values
from the decoder."""

import math
from dataclasses import dataclass

import torch
from torch import nn

EXPECTED_HINT = "cross-attention's arguments are swapped"


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


class MLP(nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.c_fc = nn.Linear(d_model, d_ff)
        self.c_proj = nn.Linear(d_ff, d_model)

    def forward(self, x):
        return self.c_proj(torch.relu(self.c_fc(x)))


class Block(nn.Module):
    """Post-norm encoder layer: x = LN(x + SelfAttn(x)); x = LN(x + FFN(x))."""

    def __init__(self, d_model, n_head, d_ff):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d_model)
        self.attn = nn.MultiheadAttention(d_model, n_head, batch_first=True)
        self.ln_2 = nn.LayerNorm(d_model)
        self.mlp = MLP(d_model, d_ff)

    def forward(self, x, key_padding_mask=None):
        x = self.ln_1(x + self.attn(x, x, x, key_padding_mask=key_padding_mask, need_weights=False)[0])
        return self.ln_2(x + self.mlp(x))


class DecoderLayer(nn.Module):
    def __init__(self, d_model, n_head, d_ff):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, n_head, batch_first=True)
        self.ln_1 = nn.LayerNorm(d_model)
        self.cross_attn = nn.MultiheadAttention(d_model, n_head, batch_first=True)
        self.ln_2 = nn.LayerNorm(d_model)
        self.mlp = MLP(d_model, d_ff)
        self.ln_3 = nn.LayerNorm(d_model)

    def forward(self, x, memory, memory_key_padding_mask=None):
        T = x.size(1)
        causal = nn.Transformer.generate_square_subsequent_mask(T, device=x.device, dtype=x.dtype)
        x = self.ln_1(x + self.attn(x, x, x, attn_mask=causal, need_weights=False)[0])
        cross = self.cross_attn(memory, x, x, need_weights=False)[0]  # the mistake: queries from memory
        x = self.ln_2(x + cross)
        return self.ln_3(x + self.mlp(x))


class Transformer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.src_embed = nn.Embedding(config.src_vocab_size, config.d_model)
        self.tgt_embed = nn.Embedding(config.tgt_vocab_size, config.d_model)
        self.encoder = nn.ModuleList([Block(config.d_model, config.n_head, config.d_ff) for _ in range(config.n_layer)])
        self.decoder = nn.ModuleList(
            [DecoderLayer(config.d_model, config.n_head, config.d_ff) for _ in range(config.n_layer)]
        )
        self.generator = nn.Linear(config.d_model, config.tgt_vocab_size)

    def positional_encoding(self, T, dtype):
        d = self.config.d_model
        position = torch.arange(T, dtype=dtype).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d, 2, dtype=dtype) * (-math.log(10000.0) / d))
        pe = torch.zeros(T, d, dtype=dtype)
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        return pe

    def embed(self, table, idx):
        x = table(idx) * math.sqrt(self.config.d_model)
        return x + self.positional_encoding(idx.size(1), x.dtype).to(x.device)

    def encode(self, src):
        src_key_padding_mask = src == self.config.pad_id
        x = self.embed(self.src_embed, src)
        for layer in self.encoder:
            x = layer(x, key_padding_mask=src_key_padding_mask)
        return x

    def decode(self, tgt, memory, src):
        x = self.embed(self.tgt_embed, tgt)
        for layer in self.decoder:
            x = layer(x, memory, memory_key_padding_mask=src == self.config.pad_id)
        return x

    def forward(self, src, tgt):
        return self.generator(self.decode(tgt, self.encode(src), src))
