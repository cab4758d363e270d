"""Correct, in the style of Hugging Face's Trainer and transformers.optimization: zero_grad(set_to_none=True),
the micro-batch losses computed with reduction by sum over the batch (each piece's mean times its size, then
divided by the full batch's size: the number of items in the batch, as the Trainer's num_items_in_batch),
the loss kept as a detached tensor until the end, and get_cosine_schedule_with_warmup's lambda through
functools.partial (with the task's start_factor, min_factor and the progress clamped at 1)."""

import math
from functools import partial

import torch
from torch.optim.lr_scheduler import LambdaLR


def train_step(model, optimizer, loss_fn, x, y, max_norm=None):
    model.train()
    optimizer.zero_grad(set_to_none=True)
    outputs = model(x)
    loss = loss_fn(outputs, y)
    loss.backward()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.detach().item()


def accumulation_step(model, optimizer, loss_fn, x, y, micro_batches, max_norm=None):
    model.train()
    optimizer.zero_grad(set_to_none=True)
    num_items_in_batch = x.shape[0]
    tr_loss = torch.zeros((), dtype=x.dtype)
    for inputs, labels in zip(torch.tensor_split(x, micro_batches), torch.tensor_split(y, micro_batches)):
        loss = loss_fn(model(inputs), labels) * inputs.shape[0] / num_items_in_batch
        loss.backward()
        tr_loss += loss.detach()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return float(tr_loss)


def _get_cosine_schedule_with_warmup_lr_lambda(
    current_step, *, num_warmup_steps, num_training_steps, start_factor, min_factor
):
    if current_step < num_warmup_steps:
        return start_factor + (1.0 - start_factor) * float(current_step) / float(max(1, num_warmup_steps))
    progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
    progress = min(progress, 1.0)
    return min_factor + (1.0 - min_factor) * 0.5 * (1.0 + math.cos(math.pi * progress))


def warmup_cosine_factor(step, warmup_steps, total_steps, start_factor=0.01, min_factor=0.0):
    return _get_cosine_schedule_with_warmup_lr_lambda(
        step,
        num_warmup_steps=warmup_steps,
        num_training_steps=total_steps,
        start_factor=start_factor,
        min_factor=min_factor,
    )


def make_scheduler(optimizer, warmup_steps, total_steps, start_factor=0.01, min_factor=0.0):
    lr_lambda = partial(
        _get_cosine_schedule_with_warmup_lr_lambda,
        num_warmup_steps=warmup_steps,
        num_training_steps=total_steps,
        start_factor=start_factor,
        min_factor=min_factor,
    )
    return LambdaLR(optimizer, lr_lambda)
