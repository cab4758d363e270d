"""The windows drawn from torch's global RNG after each model's init: every model sees different text."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from reference_impls.torch.char_rnn_variants import CharRNN, hidden_for_budget, parameter_count  # noqa: F401

EXPECTED_HINT = "the models saw different windows"


def train_all(models, tokens, seq_len=32, steps=100, batch_size=32, lr=1e-2, seed=0):
    losses = {}
    for name, build in models.items():
        torch.manual_seed(seed)
        model = build()
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        curve = []
        for _ in range(steps):
            starts = torch.randint(0, len(tokens) - seq_len, (batch_size,))  # the mistake: the global RNG
            chunk = tokens[starts[:, None] + torch.arange(seq_len + 1)]
            logits = model(chunk[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), chunk[:, 1:].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            curve.append(loss.item())
        losses[name] = curve
    return losses
