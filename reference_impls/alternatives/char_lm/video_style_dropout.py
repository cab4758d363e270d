"""Correct, in the style of Karpathy's "Let's build GPT" video: one `Head` module per head, each with a
registered `tril` buffer and masked_fill, a projection after the heads, and dropout 0.2 on the attention
weights and the residual branches, and the video's estimate_loss every eval_interval steps (under
torch.no_grad(), on train and val batches: the protocol check counts only the training batches).
Dropout makes two training-mode passes differ: the checks run the model in eval mode."""

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

DROPOUT = 0.2


@dataclass
class CharLMConfig:
    vocab_size: int = 58
    block_size: int = 16
    n_layer: int = 1
    n_head: int = 2
    n_embd: int = 32


def build_vocab(text):
    return "".join(sorted(set(text)))


def encode(text, chars):
    stoi = {ch: i for i, ch in enumerate(chars)}
    return torch.tensor([stoi[c] for c in text], dtype=torch.long)


def decode(ids, chars):
    return "".join(chars[i] for i in ids.tolist())


def get_batch(data, block_size, batch_size, generator):
    ix = torch.randint(len(data) - block_size, (batch_size,), generator=generator)
    x = torch.stack([data[i : i + block_size] for i in ix])
    y = torch.stack([data[i + 1 : i + block_size + 1] for i in ix])
    return x, y


class Head(nn.Module):
    def __init__(self, n_embd, head_size, block_size):
        super().__init__()
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.value = nn.Linear(n_embd, head_size, bias=False)
        self.register_buffer("tril", torch.tril(torch.ones(block_size, block_size)))
        self.dropout = nn.Dropout(DROPOUT)

    def forward(self, x):
        B, T, C = x.shape
        k, q = self.key(x), self.query(x)
        wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5
        wei = wei.masked_fill(self.tril[:T, :T] == 0, float("-inf"))
        wei = self.dropout(F.softmax(wei, dim=-1))
        return wei @ self.value(x)


class MultiHeadAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        head_size = cfg.n_embd // cfg.n_head
        self.heads = nn.ModuleList([Head(cfg.n_embd, head_size, cfg.block_size) for _ in range(cfg.n_head)])
        self.proj = nn.Linear(head_size * cfg.n_head, cfg.n_embd)
        self.dropout = nn.Dropout(DROPOUT)

    def forward(self, x):
        return self.dropout(self.proj(torch.cat([h(x) for h in self.heads], dim=-1)))


class FeedForward(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd), nn.Dropout(DROPOUT)
        )

    def forward(self, x):
        return self.net(x)


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.sa = MultiHeadAttention(cfg)
        self.ffwd = FeedForward(cfg.n_embd)
        self.ln1 = nn.LayerNorm(cfg.n_embd)
        self.ln2 = nn.LayerNorm(cfg.n_embd)

    def forward(self, x):
        x = x + self.sa(self.ln1(x))
        return x + self.ffwd(self.ln2(x))


class CharLM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.token_embedding_table = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.position_embedding_table = nn.Embedding(cfg.block_size, cfg.n_embd)
        self.blocks = nn.Sequential(*[Block(cfg) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(cfg.n_embd)
        self.lm_head = nn.Linear(cfg.n_embd, cfg.vocab_size)

    def forward(self, idx, targets=None):
        B, T = idx.shape
        x = self.token_embedding_table(idx) + self.position_embedding_table(torch.arange(T, device=idx.device))
        logits = self.lm_head(self.ln_f(self.blocks(x)))
        if targets is None:
            return logits, None
        B, T, C = logits.shape
        return logits, F.cross_entropy(logits.view(B * T, C), targets.view(B * T))


EVAL_INTERVAL, EVAL_ITERS = 100, 5


@torch.no_grad()
def estimate_loss(model, splits, generator):
    out = {}
    model.eval()
    for name, data in splits.items():
        losses = torch.zeros(EVAL_ITERS)
        for k in range(EVAL_ITERS):
            X, Y = get_batch(data, model.cfg.block_size, 32, generator)
            losses[k] = model(X, Y)[1].item()
        out[name] = losses.mean()
    model.train()
    return out


def train_char_lm(text, steps=300, seed=0, batch_size=32, lr=1e-2):
    chars = build_vocab(text)
    data = encode(text, chars)
    n = int(0.9 * len(data))
    train_data, val_data = data[:n], data[n:]
    torch.manual_seed(seed)
    model = CharLM(CharLMConfig(vocab_size=len(chars)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    for it in range(steps):
        if it % EVAL_INTERVAL == 0 or it == steps - 1:
            losses = estimate_loss(model, {"train": train_data, "val": val_data}, torch.Generator().manual_seed(it))
            print(f"step {it}: train loss {losses['train']:.4f}, val loss {losses['val']:.4f}")
        xb, yb = get_batch(train_data, model.cfg.block_size, batch_size, g)
        _, loss = model(xb, yb)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return model
