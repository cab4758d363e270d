"""The original Transformer: an encoder-decoder for sequence-to-sequence tasks.

    memory = Encoder(src_embed(src) * sqrt(d) + PE)                     N post-norm layers, bidirectional
    logits = generator(Decoder(tgt_embed(tgt) * sqrt(d) + PE, memory))  N post-norm layers

Each encoder layer: x = LN(x + SelfAttn(x)); x = LN(x + FFN(x)), padding keys of src ignored.
Each decoder layer adds cross-attention between them: x = LN(x + CausalSelfAttn(x));
x = LN(x + CrossAttn(q=x, k=v=memory)); x = LN(x + FFN(x)). Cross-attention ignores the padding of
src too (forgetting that mask there is the classic bug: padding leaks into every target position).
Embeddings are scaled by sqrt(d_model) before the sinusoidal encoding is added (Sec. 3.4); the FFN
uses ReLU (Sec. 3.3). Target padding needs no mask: with right padding the causal mask already keeps
real positions from seeing it, and padded positions' outputs are ignored by the loss.

Source: Vaswani et al. 2017, "Attention Is All You Need", Sec. 3 and Fig. 1; checked against
torch.nn.TransformerEncoderLayer / TransformerDecoderLayer (post-norm, ReLU, dropout 0) with copied
weights. Limits: no dropout, no label smoothing, no weight sharing between the embeddings and the
generator (the paper shares them), no final LayerNorm after each stack (nn.Transformer adds one).
"""

import math
from dataclasses import dataclass

from torch import nn

from reference_impls.torch.blocks import MLP, Block
from reference_impls.torch.multihead import MultiHeadAttention
from reference_impls.torch.positions import sinusoidal_encoding


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


class DecoderLayer(nn.Module):
    def __init__(self, d_model, n_head, d_ff):
        super().__init__()
        self.attn = MultiHeadAttention(d_model, n_head)
        self.ln_1 = nn.LayerNorm(d_model)
        self.cross_attn = MultiHeadAttention(d_model, n_head)
        self.ln_2 = nn.LayerNorm(d_model)
        self.mlp = MLP(d_model, d_ff, activation="relu")
        self.ln_3 = nn.LayerNorm(d_model)

    def forward(self, x, memory, memory_key_padding_mask=None):
        """x (B, T, d) targets so far, memory (B, S, d) the encoder's output -> (B, T, d)."""
        x = self.ln_1(x + self.attn.self_attention(x, is_causal=True))
        x = self.ln_2(x + self.cross_attn(x, memory, memory, key_padding_mask=memory_key_padding_mask)[0])
        return self.ln_3(x + self.mlp(x))


class Transformer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = c = config
        self.src_embed = nn.Embedding(c.src_vocab_size, c.d_model)
        self.tgt_embed = nn.Embedding(c.tgt_vocab_size, c.d_model)
        self.encoder = nn.ModuleList(
            [Block(c.d_model, c.n_head, c.d_ff, norm_first=False, activation="relu") for _ in range(c.n_layer)]
        )
        self.decoder = nn.ModuleList([DecoderLayer(c.d_model, c.n_head, c.d_ff) for _ in range(c.n_layer)])
        self.generator = nn.Linear(c.d_model, c.tgt_vocab_size)

    def embed(self, table, idx):
        """Token embeddings times sqrt(d_model), plus the sinusoidal encoding (computed in the weights' dtype)."""
        T, d = idx.size(1), self.config.d_model
        assert T <= self.config.max_len, f"sequence of length {T} > max_len {self.config.max_len}"
        return table(idx) * math.sqrt(d) + sinusoidal_encoding(T, d, dtype=table.weight.dtype).to(idx.device)

    def encode(self, src):
        """src (B, S) int64 -> memory (B, S, d)."""
        x, pad = self.embed(self.src_embed, src), src == self.config.pad_id  # pad: (B, S), True = padding
        for layer in self.encoder:
            x = layer(x, key_padding_mask=pad)
        return x

    def decode(self, tgt, memory, src):
        """tgt (B, T) int64, memory (B, S, d), src (B, S) for its padding -> (B, T, d)."""
        x = self.embed(self.tgt_embed, tgt)
        for layer in self.decoder:
            x = layer(x, memory, memory_key_padding_mask=src == self.config.pad_id)
        return x

    def forward(self, src, tgt):
        """src (B, S), tgt (B, T) -> logits (B, T, tgt_vocab_size) for the next target token."""
        return self.generator(self.decode(tgt, self.encode(src), src))
