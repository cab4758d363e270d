"""The targets taken as the inputs themselves: the model learns to copy, not to predict the next character."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from reference_impls.torch.char_rnn_variants import CharRNN, hidden_for_budget, parameter_count  # noqa: F401

EXPECTED_HINT = "targets are not the inputs shifted by one"


def train_all(models, tokens, seq_len=32, steps=100, batch_size=32, lr=1e-2, seed=0):
    losses = {}
    for name, build in models.items():
        torch.manual_seed(seed)
        model = build()
        g = torch.Generator().manual_seed(seed)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        curve = []
        for _ in range(steps):
            starts = torch.randint(0, len(tokens) - seq_len, (batch_size,), generator=g)
            x = tokens[starts[:, None] + torch.arange(seq_len)]
            logits = model(x)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), x.reshape(-1))  # the mistake: y = x
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            curve.append(loss.item())
        losses[name] = curve
    return losses
