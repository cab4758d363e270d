"""An encoder-only (BERT-style) model with a classification head.

    idx (B, T), idx[:, 0] = [CLS] -> LN(tok_emb[idx] + pos_emb[0..T-1]) -> n_layer post-norm Blocks
        (bidirectional: no causal mask; padding keys ignored) -> h[:, 0] -> tanh(pooler) -> classifier

Every token attends to every real token on both sides; the only mask is the padding (positions where
idx == pad_id, to the right). The [CLS] position's final state summarizes the sequence: BERT's
pooler (a Linear + tanh on it) feeds the classifier. A padded batch gives each sequence the logits
it gets alone, because no real token ever attends to padding.

Source: Devlin et al. 2019, "BERT", Sec. 3 and Fig. 2 (embeddings summed then LayerNorm, post-norm
layers with exact GELU, the pooler on [CLS]); checked against torch.nn.TransformerEncoderLayer with
src_key_padding_mask. Limits: no segment (token type) embeddings, no dropout, no pre-training heads.
"""

from dataclasses import dataclass

import torch
from torch import nn

from reference_impls.torch.blocks import Block


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


class EncoderClassifier(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = c = config
        self.tok_emb = nn.Embedding(c.vocab_size, c.d_model)
        self.pos_emb = nn.Embedding(c.max_len, c.d_model)
        self.emb_ln = nn.LayerNorm(c.d_model)
        self.layers = nn.ModuleList(
            [Block(c.d_model, c.n_head, c.d_ff, norm_first=False, activation="gelu") for _ in range(c.n_layer)]
        )
        self.pooler = nn.Linear(c.d_model, c.d_model)
        self.classifier = nn.Linear(c.d_model, c.n_classes)

    def forward(self, idx):
        """idx (B, T) int64 with [CLS] first and pad_id padding on the right -> logits (B, n_classes)."""
        T = idx.size(1)
        x = self.emb_ln(self.tok_emb(idx) + self.pos_emb(torch.arange(T, device=idx.device)))  # (B, T, d)
        pad = idx == self.config.pad_id  # (B, T), True = padding: ignored as a key
        for layer in self.layers:
            x = layer(x, key_padding_mask=pad)  # bidirectional: no causal mask
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))  # the [CLS] position
