"""Wrong: StepLR with epoch / step_size: a smooth exponential decay, not steps."""

from reference_impls.numpy.lr_schedules import (  # noqa: F401
    cosine_warm_restarts_lr,
    polynomial_decay_lr,
    warmup_cosine_lr,
)

EXPECTED_HINT = "epoch / step_size must be floored"


def step_decay_lr(epoch, base_lr, step_size, gamma=0.1):
    return base_lr * gamma ** (epoch / step_size)  # the mistake: epoch // step_size
