"""Correct, in the style of a Hugging Face tokenizer call (padding="max_length", truncation=True, the
special token prepended before truncating to max_len) and a plain PyTorch training loop as in the
PyTorch tutorials: nn.CrossEntropyLoss as a criterion, zero_grad(set_to_none=True) before the forward
pass, torch.inference_mode() for evaluation. Follows the task's draws: one seeded torch.Generator and
torch.randint(len(y), (batch_size,)) per step (randint(high, size) and randint(0, high, size) draw the
same numbers)."""

import torch
import torch.nn as nn


def _encode_one(tokens, max_len, cls_id, pad_id):
    ids = ([cls_id] + [int(t) for t in tokens])[:max_len]  # truncation=True
    return ids + [pad_id] * (max_len - len(ids))  # padding="max_length", on the right


def encode_batch(sentences, max_len, cls_id=1, pad_id=0):
    return torch.tensor([_encode_one(s, max_len, cls_id, pad_id) for s in sentences], dtype=torch.long).reshape(
        len(sentences), max_len
    )


def train_sentiment(model, X, y, steps=60, batch_size=32, lr=3e-3, seed=0):
    generator = torch.Generator()
    generator.manual_seed(seed)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        rows = torch.randint(len(y), (batch_size,), generator=generator)
        optimizer.zero_grad(set_to_none=True)
        outputs = model(X[rows])
        loss = criterion(outputs, y[rows])
        loss.backward()
        optimizer.step()
    return model


def accuracy(model, X, y):
    model.eval()
    with torch.inference_mode():
        predictions = model(X).argmax(dim=1)
    correct = (predictions == y).sum().item()
    return correct / len(y)
