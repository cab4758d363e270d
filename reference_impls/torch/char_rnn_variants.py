"""Character language models with an RNN, an LSTM, a GRU and an attention-enhanced LSTM (module 0.4's project).

Module 0.4 builds character-level language models with different recurrent cells and compares them
trained alike. On the shipped Shakespeare (reference_impls/data):

- `CharRNN(vocab_size, cell, hidden, n_embd, attention)`: embeddings, one torch.nn.RNN (tanh) / LSTM /
  GRU layer (batch_first), a Linear from each step's hidden state to the logits. With attention (an
  LSTM with Luong et al. 2015's dot-product attention over its own past, causal): at step t the
  scores h_t . h_s / sqrt(H) for s <= t, their softmax a, the context c_t = sum_s a_s h_s, and the
  logits from [h_t, c_t].
- `parameter_count` in closed form: V E (embeddings) + g (H E + H H + 2 H) (the cell: g = 1 for an RNN,
  4 gates for an LSTM, 3 for a GRU, each with torch's two biases) + (H or 2 H) V + V (the output).
- `hidden_for_budget`: the largest hidden size within a parameter budget: models of "the same size"
  are compared at equal parameter counts, where an LSTM gets a smaller H than an RNN.
- `train_all`: every model trained alike: the same seed, optimizer, learning rate, sequence length,
  steps, and the same windows (one generator per model seeded with `seed` draws their starts), the
  gradient norm clipped at 1 (an RNN's gradients can explode). Returns each model's per-step losses.

tests/reference/test_char_rnn_variants.py checks the counts against the models' parameters, the
attention against F.scaled_dot_product_attention(is_causal=True), and that an LSTM with the budget's
hidden size trains.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

GATES = {"rnn": 1, "lstm": 4, "gru": 3}


class CharRNN(nn.Module):
    def __init__(self, vocab_size, cell="lstm", hidden=64, n_embd=16, attention=False):
        super().__init__()
        self.attention = attention
        self.embedding = nn.Embedding(vocab_size, n_embd)
        self.rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell](n_embd, hidden, batch_first=True)
        self.out = nn.Linear(2 * hidden if attention else hidden, vocab_size)

    def forward(self, X):  # (B, T) int64 -> (B, T, vocab_size) logits
        h, _ = self.rnn(self.embedding(X))  # (B, T, H)
        if self.attention:
            T = h.shape[1]
            scores = h @ h.transpose(1, 2) / math.sqrt(h.shape[-1])  # (B, T, T): query t, key s
            future = torch.ones(T, T, dtype=torch.bool, device=h.device).triu(1)
            context = scores.masked_fill(future, float("-inf")).softmax(dim=-1) @ h
            h = torch.cat([h, context], dim=-1)
        return self.out(h)


def parameter_count(cell, vocab_size, hidden, n_embd=16, attention=False):
    """The number of parameters of CharRNN(vocab_size, cell, hidden, n_embd, attention), in closed form."""
    H, E, V = hidden, n_embd, vocab_size
    return V * E + GATES[cell] * (H * E + H * H + 2 * H) + (2 * H if attention else H) * V + V


def hidden_for_budget(cell, vocab_size, budget, n_embd=16, attention=False):
    """The largest hidden size whose model has at most `budget` parameters (ValueError if not even 1 fits)."""
    if parameter_count(cell, vocab_size, 1, n_embd, attention) > budget:
        raise ValueError(f"no {cell} model fits in {budget} parameters")
    H = 1
    while parameter_count(cell, vocab_size, H + 1, n_embd, attention) <= budget:
        H += 1
    return H


def train_all(models, tokens, seq_len=32, steps=100, batch_size=32, lr=1e-2, seed=0):
    """{name: [training loss of each step]}, every model trained alike on the same windows of `tokens`.

    models: {name: a function of no arguments that builds the model}.
    """
    losses = {}
    for name, build in models.items():
        torch.manual_seed(seed)
        model = build()
        windows = torch.Generator().manual_seed(seed)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        model.train()
        curve = []
        for _ in range(steps):
            starts = torch.randint(0, len(tokens) - seq_len, (batch_size,), generator=windows)
            chunk = tokens[starts[:, None] + torch.arange(seq_len + 1)]  # (B, seq_len + 1)
            logits = model(chunk[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), chunk[:, 1:].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            curve.append(loss.item())
        losses[name] = curve
    return losses
