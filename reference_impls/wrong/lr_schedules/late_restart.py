"""Wrong: cycles of T_i + 1 epochs (T_cur runs 0 .. T_i), so every restart comes one epoch late."""

import math

from reference_impls.numpy.lr_schedules import (  # noqa: F401
    polynomial_decay_lr,
    step_decay_lr,
    warmup_cosine_lr,
)

EXPECTED_HINT = "restart one epoch late"


def cosine_warm_restarts_lr(epoch, base_lr, T_0, T_mult=1, eta_min=0.0):
    T_i, t = T_0, epoch
    while t > T_i:
        t -= T_i + 1
        T_i *= T_mult
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / T_i)) / 2
