"""A GPT-2-style decoder-only language model, at any size (GPT-2 small: 124,439,808 parameters).

    idx (B, T) -> wte[idx] + wpe[0..T-1] -> n_layer pre-norm causal Blocks -> ln_f -> lm_head -> logits (B, T, V)

Token and learned position embeddings are added; each Block is pre-norm (x + attn(ln_1(x)),
x + mlp(ln_2(x))) with causal self-attention and a 4x MLP with GELU's tanh approximation, as GPT-2;
a final LayerNorm follows the stack; the output head shares its weight with the token embedding
(weight tying, Press & Wolf 2017), so lm_head adds no parameters. Training minimizes the
cross-entropy of each position's logits against the next token.

Source: Radford et al. 2019 (GPT-2), Sec. 2.3; Karpathy's nanoGPT model.py (GPTConfig, the names
transformer.wte / wpe / h / ln_f and lm_head, generate with the context cropped to block_size).
Limits: no dropout, no GPT-2 init (scaled residual projections), greedy generation only (sampling
is sampling.py), no KV cache (kv_cache.py).
"""

from dataclasses import dataclass

import torch
from torch import nn

from reference_impls.torch.blocks import Block


@dataclass
class GPTConfig:
    block_size: int = 16
    vocab_size: int = 32
    n_layer: int = 2
    n_head: int = 2
    n_embd: int = 16
    bias: bool = True


class GPT(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(
            dict(
                wte=nn.Embedding(config.vocab_size, config.n_embd),
                wpe=nn.Embedding(config.block_size, config.n_embd),
                h=nn.ModuleList(
                    [
                        Block(config.n_embd, config.n_head, norm_first=True, activation="gelu_tanh", bias=config.bias)
                        for _ in range(config.n_layer)
                    ]
                ),
                ln_f=nn.LayerNorm(config.n_embd, bias=config.bias),
            )
        )
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tied: one parameter, two uses

    def forward(self, idx, targets=None):
        """idx (B, T) int64, T <= block_size -> (logits (B, T, vocab_size), loss or None)."""
        T = idx.size(1)
        assert T <= self.config.block_size, f"sequence of length {T} > block_size {self.config.block_size}"
        pos = torch.arange(T, device=idx.device)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)  # (B, T, C) + (T, C)
        for block in self.transformer.h:
            x = block(x, is_causal=True)
        logits = self.lm_head(self.transformer.ln_f(x))  # (B, T, V)
        loss = None
        if targets is not None:
            loss = nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss

    @torch.no_grad()
    def generate(self, idx, max_new_tokens):
        """Greedy decoding: append the argmax token max_new_tokens times, feeding the last block_size tokens."""
        for _ in range(max_new_tokens):
            idx_cond = idx[:, -self.config.block_size :]  # the context never exceeds what wpe covers
            logits, _ = self(idx_cond)
            idx = torch.cat([idx, logits[:, -1, :].argmax(dim=-1, keepdim=True)], dim=1)  # (B, T + 1)
        return idx
