"""Wrong: accumulation_step returns the last micro-batch's mean loss, scaled back up as nanoGPT logs it
(lossf = loss.item() * gradient_accumulation_steps): an estimate, not the full batch's loss."""

import math
from functools import partial

import torch
from torch.optim.lr_scheduler import LambdaLR

EXPECTED_HINT = "the loss returned is the last micro-batch's"


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
    return loss.item() * num_items_in_batch / inputs.shape[0]  # the mistake: the last piece's loss (nanoGPT's lossf)


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
