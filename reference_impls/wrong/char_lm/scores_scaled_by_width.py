"""Wrong: the attention scores are scaled by 1/sqrt(n_embd), the width of the model, instead of
1/sqrt(head size) (an early version of the "Let's build GPT" video's Head did this with C from x.shape):
with 2 heads of 16 the softmax is sqrt(2) times too flat."""

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

EXPECTED_HINT = "scale the scores by 1/sqrt(head size)"


class WidthScaledAttention(CausalSelfAttention):
    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        scores = q @ k.transpose(-2, -1) * C**-0.5  # the mistake: C is the model width, not the head size
        scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        y = F.softmax(scores, dim=-1) @ v
        return self.proj(y.transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln1, self.attn = nn.LayerNorm(cfg.n_embd), WidthScaledAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.n_embd)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.n_embd, 4 * cfg.n_embd), nn.GELU(), nn.Linear(4 * cfg.n_embd, cfg.n_embd)
        )

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
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
