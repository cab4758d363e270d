"""Wrong: sums the micro-batch mean losses unscaled: the accumulated gradient is k times too big (on average)."""

import torch

from reference_impls.torch.training import make_scheduler, train_step, warmup_cosine_factor  # noqa: F401 - as in the reference

EXPECTED_HINT = "micro-batch losses not scaled"


def accumulation_step(model, optimizer, loss_fn, x, y, micro_batches, max_norm=None):
    optimizer.zero_grad()
    total = 0.0
    for xb, yb in zip(x.tensor_split(micro_batches), y.tensor_split(micro_batches)):
        loss = loss_fn(model(xb), yb)  # the mistake: not scaled by xb.shape[0] / x.shape[0]
        loss.backward()
        total += loss.item()
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return total
