"""Wrong: the attention output replaces the residual stream instead of being added to it
(x = attn(ln1(x))): the token and position embeddings reach the MLP only through attention."""

import torch
import torch.nn.functional as F
from torch import nn

from reference_impls.torch.char_lm import (  # noqa: F401 - as in the reference
    CausalSelfAttention,
    CharLMConfig,
    build_vocab,
    decode,
    encode,
    get_batch,
)

EXPECTED_HINT = "added to the residual stream"


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln1, self.attn = nn.LayerNorm(cfg.n_embd), CausalSelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.n_embd)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.n_embd, 4 * cfg.n_embd), nn.GELU(), nn.Linear(4 * cfg.n_embd, cfg.n_embd)
        )

    def forward(self, x):
        x = self.attn(self.ln1(x))  # the mistake: no residual around the attention
        return x + self.mlp(self.ln2(x))


class CharLM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.tok_emb = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.pos_emb = nn.Embedding(cfg.block_size, cfg.n_embd)
        self.blocks = nn.Sequential(*[Block(cfg) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(cfg.n_embd)
        self.head = nn.Linear(cfg.n_embd, cfg.vocab_size)

    def forward(self, idx, targets=None):
        """idx (B, T) int64 -> logits (B, T, vocab_size), and the mean cross-entropy if targets are given."""
        B, T = idx.shape
        x = self.tok_emb(idx) + self.pos_emb(torch.arange(T, device=idx.device))  # (B, T, C)
        logits = self.head(self.ln_f(self.blocks(x)))  # (B, T, V)
        loss = None if targets is None else F.cross_entropy(logits.view(B * T, -1), targets.view(B * T))
        return logits, loss


def train_char_lm(text, steps=300, seed=0, batch_size=32, lr=1e-2):
    """Train a CharLM (default config, vocab from the text) on the first 90% of the text."""
    chars = build_vocab(text)
    data = encode(text, chars)
    train = data[: int(0.9 * len(data))]
    torch.manual_seed(seed)
    model = CharLM(CharLMConfig(vocab_size=len(chars)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        x, y = get_batch(train, model.cfg.block_size, batch_size, g)
        _, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return model
