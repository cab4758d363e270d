"""Wrong: each step's batch is the first batch_size rows of a torch.randperm (without replacement), not torch.randint."""

import torch
import torch.nn.functional as F

from reference_impls.torch.sentiment_encoder import accuracy, encode_batch  # noqa: F401 - right

EXPECTED_HINT = "drawn with replacement, not a slice of torch.randperm"


def train_sentiment(model, X, y, steps=60, batch_size=32, lr=3e-3, seed=0):
    gen = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        batch = torch.randperm(len(y), generator=gen)[:batch_size]  # the mistake: torch.randint(0, len(y), ...)
        loss = F.cross_entropy(model(X[batch]), y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model
