"""Wrong: never zeroes the gradients, so every step's .grad still holds the steps before (accumulation is right)."""

import torch

from reference_impls.torch.training import (  # noqa: F401 - as in the reference
    accumulation_step,
    make_scheduler,
    warmup_cosine_factor,
)

EXPECTED_HINT = "gradients never zeroed"


def train_step(model, optimizer, loss_fn, x, y, max_norm=None):
    loss = loss_fn(model(x), y)  # the mistake: no optimizer.zero_grad() first
    loss.backward()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item()
