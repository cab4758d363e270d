"""Wrong: sums the micro-batch mean losses unscaled: the accumulated gradient is k times too big (on average)."""

import math

import torch

EXPECTED_HINT = "micro-batch losses not scaled"


def train_step(model, optimizer, loss_fn, x, y, max_norm=None):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item()


def accumulation_step(model, optimizer, loss_fn, x, y, micro_batches, max_norm=None):
    optimizer.zero_grad()
    total = 0.0
    for xb, yb in zip(x.tensor_split(micro_batches), y.tensor_split(micro_batches)):
        loss = loss_fn(model(xb), yb)
        loss.backward()
        total += loss.item()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return total


def warmup_cosine_factor(step, warmup_steps, total_steps, start_factor=0.01, min_factor=0.0):
    if step < warmup_steps:
        return start_factor + (1 - start_factor) * step / warmup_steps
    if step >= total_steps:
        return min_factor
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_factor + (1 - min_factor) * 0.5 * (1 + math.cos(math.pi * progress))


def make_scheduler(optimizer, warmup_steps, total_steps, start_factor=0.01, min_factor=0.0):
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: warmup_cosine_factor(s, warmup_steps, total_steps, start_factor, min_factor))
