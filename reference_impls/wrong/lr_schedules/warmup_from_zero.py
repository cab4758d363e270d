"""Wrong: the warmup is base_lr * step / warmup_steps, so step 0 trains at lr 0 and the peak comes a step late."""

import math

from reference_impls.numpy.lr_schedules import (  # noqa: F401
    cosine_warm_restarts_lr,
    polynomial_decay_lr,
    step_decay_lr,
)

EXPECTED_HINT = "the warmup reaches base_lr at step warmup_steps - 1"


def warmup_cosine_lr(step, base_lr, warmup_steps, total_steps, eta_min=0.0):
    if step < warmup_steps:
        return base_lr * step / warmup_steps  # the mistake: (step + 1) / warmup_steps
    progress = min((step - warmup_steps) / max(total_steps - warmup_steps, 1), 1.0)
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * progress)) / 2
