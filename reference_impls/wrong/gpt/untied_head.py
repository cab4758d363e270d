"""Wrong: lm_head has its own weight instead of sharing wte's (an extra vocab_size x n_embd parameter)."""

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED_HINT = "lm_head is not tied"


@dataclass
class GPTConfig:
    block_size: int = 16
    vocab_size: int = 32
    n_layer: int = 2
    n_head: int = 2
    n_embd: int = 16
    bias: bool = True


class Attention(nn.Module):
    def __init__(self, C, nh, bias):
        super().__init__()
        self.nh = nh
        self.in_proj = nn.Linear(C, 3 * C, bias=bias)
        self.out_proj = nn.Linear(C, C, bias=bias)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.nh, -1).transpose(1, 2) for t in self.in_proj(x).split(C, dim=2))
        att = (q @ k.transpose(-2, -1) / math.sqrt(C // self.nh)).masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        return self.out_proj((att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C))


class MLP(nn.Module):
    def __init__(self, C, bias):
        super().__init__()
        self.c_fc = nn.Linear(C, 4 * C, bias=bias)
        self.c_proj = nn.Linear(4 * C, C, bias=bias)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        C, b = config.n_embd, config.bias
        self.ln_1, self.attn = nn.LayerNorm(C, bias=b), Attention(C, config.n_head, b)
        self.ln_2, self.mlp = nn.LayerNorm(C, bias=b), MLP(C, b)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(config.vocab_size, config.n_embd), wpe=nn.Embedding(config.block_size, config.n_embd),
            h=nn.ModuleList(Block(config) for _ in range(config.n_layer)), ln_f=nn.LayerNorm(config.n_embd, bias=config.bias)))
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)  # never tied

    def forward(self, idx, targets=None):
        x = self.transformer.wte(idx) + self.transformer.wpe(torch.arange(idx.size(1)))
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        loss = None if targets is None else F.cross_entropy(logits.flatten(0, 1), targets.flatten())
        return logits, loss

    @torch.no_grad()
    def generate(self, idx, max_new_tokens):
        for _ in range(max_new_tokens):
            logits, _ = self(idx[:, -self.config.block_size:])
            idx = torch.cat([idx, logits[:, -1].argmax(-1, keepdim=True)], dim=1)
        return idx
