"""Wrong: every cycle lasts T_0 epochs (epoch % T_0), ignoring T_mult."""

import math

from reference_impls.numpy.lr_schedules import polynomial_decay_lr, step_decay_lr, warmup_cosine_lr  # noqa: F401

EXPECTED_HINT = "warm restarts with T_mult"


def cosine_warm_restarts_lr(epoch, base_lr, T_0, T_mult=1, eta_min=0.0):
    T_cur = epoch % T_0  # the mistake: cycle i lasts T_0 * T_mult^i epochs
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * T_cur / T_0)) / 2
