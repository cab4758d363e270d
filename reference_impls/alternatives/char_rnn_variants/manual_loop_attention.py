"""Attention with an explicit lower-triangular mask (tril) and torch.bmm, the parameter count summed per
part, a linear search down from a bound for the budget, windows built with unfold."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class CharRNN(nn.Module):
    def __init__(self, vocab_size, cell="lstm", hidden=64, n_embd=16, attention=False):
        super().__init__()
        self.use_attention = attention
        self.emb = nn.Embedding(vocab_size, n_embd)
        if cell == "rnn":
            self.core = nn.RNN(n_embd, hidden, batch_first=True, nonlinearity="tanh")
        elif cell == "gru":
            self.core = nn.GRU(n_embd, hidden, batch_first=True)
        else:
            self.core = nn.LSTM(n_embd, hidden, batch_first=True)
        self.head = nn.Linear(hidden * (2 if attention else 1), vocab_size)

    def forward(self, X):
        out, _ = self.core(self.emb(X))
        if self.use_attention:
            B, T, H = out.shape
            att = torch.bmm(out, out.transpose(1, 2)) / math.sqrt(H)
            mask = torch.tril(torch.ones(T, T, device=out.device))
            att = att.masked_fill(mask == 0, float("-inf"))
            weights = F.softmax(att, dim=-1)
            ctx = torch.bmm(weights, out)
            out = torch.cat((out, ctx), dim=2)
        return self.head(out)


def parameter_count(cell, vocab_size, hidden, n_embd=16, attention=False):
    gates = {"rnn": 1, "gru": 3, "lstm": 4}[cell]
    embedding = vocab_size * n_embd
    w_ih = gates * hidden * n_embd
    w_hh = gates * hidden * hidden
    biases = 2 * gates * hidden
    fan_in = 2 * hidden if attention else hidden
    head = fan_in * vocab_size + vocab_size
    return embedding + w_ih + w_hh + biases + head


def hidden_for_budget(cell, vocab_size, budget, n_embd=16, attention=False):
    for h in range(int(math.isqrt(max(budget, 0))) + 1, 0, -1):
        if parameter_count(cell, vocab_size, h, n_embd, attention) <= budget:
            return h
    raise ValueError("budget too small")


def train_all(models, tokens, seq_len=32, steps=100, batch_size=32, lr=1e-2, seed=0):
    windows = tokens.unfold(0, seq_len + 1, 1)  # every window of seq_len + 1 tokens
    history = {}
    for name, make in models.items():
        torch.manual_seed(seed)
        net = make()
        rng = torch.Generator()
        rng.manual_seed(seed)
        opt = torch.optim.Adam(net.parameters(), lr=lr)
        history[name] = []
        for _ in range(steps):
            idx = torch.randint(0, len(tokens) - seq_len, (batch_size,), generator=rng)
            batch = windows[idx]
            inputs, targets = batch[:, :-1], batch[:, 1:]
            logits = net(inputs)
            loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten())
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
            opt.step()
            history[name].append(float(loss))
    return history
