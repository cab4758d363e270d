"""A character-level GPT trained for a second on a Shakespeare excerpt: the "Let's build GPT" milestone.

The data: reference_impls/data/tiny_shakespeare_coriolanus.txt (31,742 characters, 58 distinct),
the opening of Karpathy's tinyshakespeare, i.e. Coriolanus, Act I (public domain; see the README
there). The first 90% trains, the last 10% validates.

The model (Karpathy, "Let's build GPT: from scratch, in code, spelled out", 2023; nanoGPT model.py):
token + position embeddings, n_layer pre-norm blocks x = x + attn(ln1(x)); x = x + mlp(ln2(x)) with
causal multi-head self-attention, a final LayerNorm and a linear head to vocabulary logits; trained
with AdamW on random windows of block_size characters, predicting each next character.

The milestone, sized for a CPU: 300 steps (about a second) bring the validation loss from ln(58) =
4.06 nats (uniform) to about 2.14, below 2.3. A bigram model (no attention: the next character from
the current one alone) levels off near 2.4 here, so getting under 2.3 needs the context that
attention brings. nanoGPT's full-size run reaches ~1.47 on all of tinyshakespeare.

    python -m reference_impls.torch.char_lm       # trains, prints the losses and a sample

Limits: no dropout, no weight tying, no learning-rate schedule; a tiny config (d_model 32, T 16).
"""

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from reference_impls.data import CHAR_LM_TEXT as DATA
from reference_impls.data import CHAR_LM_THRESHOLD as THRESHOLD


@dataclass
class CharLMConfig:
    vocab_size: int = 58
    block_size: int = 16
    n_layer: int = 1
    n_head: int = 2
    n_embd: int = 32


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.n_head = cfg.n_head
        self.qkv = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
        self.proj = nn.Linear(cfg.n_embd, cfg.n_embd)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))  # (B, nh, T, hs)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, nh, T, hs): position t sees 0..t
        return self.proj(y.transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln1, self.attn = nn.LayerNorm(cfg.n_embd), CausalSelfAttention(cfg)
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


def build_vocab(text):
    """The sorted distinct characters of the text: index i stands for chars[i]."""
    return "".join(sorted(set(text)))


def encode(text, chars):
    stoi = {c: i for i, c in enumerate(chars)}
    return torch.tensor([stoi[c] for c in text], dtype=torch.long)


def decode(ids, chars):
    return "".join(chars[i] for i in ids.tolist())


def get_batch(data, block_size, batch_size, generator):
    """batch_size random windows: x = data[i:i+T], y = data[i+1:i+T+1] (the next characters)."""
    ix = torch.randint(len(data) - block_size, (batch_size,), generator=generator)
    x = torch.stack([data[i : i + block_size] for i in ix])
    y = torch.stack([data[i + 1 : i + block_size + 1] for i in ix])
    return x, y


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
        optimizer.zero_grad()  # set_to_none (the default): the next backward writes fresh gradients
        loss.backward()
        optimizer.step()
    return model


@torch.no_grad()
def estimate_loss(model, data, batches=20, batch_size=32, seed=1234):
    g = torch.Generator().manual_seed(seed)
    model.eval()
    losses = [model(*get_batch(data, model.cfg.block_size, batch_size, g))[1].item() for _ in range(batches)]
    model.train()
    return sum(losses) / len(losses)


@torch.no_grad()
def generate(model, idx, max_new_tokens, generator=None):
    for _ in range(max_new_tokens):
        logits, _ = model(idx[:, -model.cfg.block_size :])
        probs = F.softmax(logits[:, -1, :], dim=-1)
        idx = torch.cat([idx, torch.multinomial(probs, 1, generator=generator)], dim=1)
    return idx


if __name__ == "__main__":
    text = DATA.read_text(encoding="utf-8")
    chars = build_vocab(text)
    data = encode(text, chars)
    n = int(0.9 * len(data))
    model = train_char_lm(text)
    val = estimate_loss(model, data[n:])
    print(
        f"vocab {len(chars)}, uniform {math.log(len(chars)):.3f}; after 300 steps: train "
        f"{estimate_loss(model, data[:n]):.3f}, val {val:.3f} (threshold {THRESHOLD})"
    )
    start = encode("\n", chars)[None]
    print(decode(generate(model, start, 200, torch.Generator().manual_seed(0))[0], chars))
