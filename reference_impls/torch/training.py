"""A training loop, one step at a time: clipping, gradient accumulation, warmup + cosine schedule.

    optimizer.zero_grad()                               # set_to_none=True, the default
    loss = loss_fn(model(x), y)                         # a mean over the batch
    loss.backward()                                     # .grad += d loss / d param
    clip_grad_norm_(model.parameters(), max_norm)       # one global L2 norm over every gradient
    optimizer.step()                                    # then scheduler.step(), once per step

Gradient accumulation: split the batch of N into micro-batches (torch.tensor_split: sizes differ by
at most 1), scale each micro-batch's mean loss by n_k / N and call backward() after each one, so
.grad adds up to exactly the full batch's gradient; then clip once and step once. Dividing every
micro-batch loss by the number of micro-batches is the same only when the sizes are equal; not
scaling at all multiplies the gradient by that number; zero_grad() inside the loop keeps only the
last micro-batch; clipping each micro-batch clips something else than the batch gradient.

Learning-rate schedule (GPT-3 Sec. 2.3 / nanoGPT's get_lr): a multiplier of the base lr that rises
linearly from start_factor to 1 over warmup_steps, falls along a half cosine to min_factor at
total_steps, and stays there. As a LambdaLR it equals SequentialLR(LinearLR, CosineAnnealingLR)
on steps 0..total_steps (tests/reference/test_training.py); CosineAnnealingLR alone would climb
back up after T_max. (nanoGPT's warmup is (it + 1) / (warmup_iters + 1); here LinearLR's convention:
start_factor at step 0, 1 at step warmup_steps.)

Source: PyTorch's "Optimizing Model Parameters" tutorial; torch.nn.utils.clip_grad_norm_; nanoGPT
train.py (gradient_accumulation_steps, get_lr). Limits: losses that average over the batch; with
BatchNorm the micro-batches see different statistics, so accumulation is not exact there.
"""

import math
from functools import partial

import torch


def train_step(model, optimizer, loss_fn, x, y, max_norm=None):
    """One optimizer step on the batch (x, y); returns the loss as a float."""
    optimizer.zero_grad()  # set_to_none=True, the default: backward writes fresh gradients
    loss = loss_fn(model(x), y)
    loss.backward()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item()


def accumulation_step(model, optimizer, loss_fn, x, y, micro_batches, max_norm=None):
    """The step of train_step(x, y), computed in `micro_batches` pieces; returns the batch loss."""
    optimizer.zero_grad()  # once, before the micro-batches: their gradients add up
    N, total = x.shape[0], 0.0
    for xb, yb in zip(x.tensor_split(micro_batches), y.tensor_split(micro_batches)):
        loss = loss_fn(model(xb), yb) * (xb.shape[0] / N)  # this micro-batch's share of the batch mean
        loss.backward()  # gradients add up in .grad
        total += loss.item()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)  # once, on the whole batch's gradient
    optimizer.step()
    return total


def warmup_cosine_factor(step, warmup_steps, total_steps, start_factor=0.01, min_factor=0.0):
    """The multiplier of the base learning rate at `step` (0-based)."""
    if step < warmup_steps:
        return start_factor + (1 - start_factor) * step / warmup_steps
    if step >= total_steps:
        return min_factor
    progress = (step - warmup_steps) / (total_steps - warmup_steps)  # 0 -> 1
    return min_factor + (1 - min_factor) * 0.5 * (1 + math.cos(math.pi * progress))


def make_scheduler(optimizer, warmup_steps, total_steps, start_factor=0.01, min_factor=0.0):
    """A LambdaLR applying warmup_cosine_factor; call scheduler.step() after each optimizer.step()."""
    factor = partial(
        warmup_cosine_factor,
        warmup_steps=warmup_steps,
        total_steps=total_steps,
        start_factor=start_factor,
        min_factor=min_factor,
    )
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
