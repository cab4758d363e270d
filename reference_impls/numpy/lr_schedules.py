"""Learning-rate schedules as functions of the epoch (or step) index, in plain Python.

step decay:       lr = base * gamma^(epoch // step_size)                   (torch StepLR)
polynomial:       lr = base * (1 - min(epoch, total) / total)^power        (torch PolynomialLR)
cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017, arXiv:1608.03983):
    cycle i lasts T_i = T_0 * T_mult^i epochs; T_cur counts epochs since the last restart
    lr = eta_min + (base - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2
    so lr = base right after each restart and approaches eta_min at the end of a cycle.
    (torch CosineAnnealingWarmRestarts stepped once per epoch.)
linear warmup then cosine decay to eta_min over total steps (the GPT recipe), for completeness.

Limits: integer epochs (the torch scheduler also accepts fractional epochs); T_mult an integer >= 1.
"""

import math


def step_decay_lr(epoch, base_lr, step_size, gamma=0.1):
    return base_lr * gamma ** (epoch // step_size)


def polynomial_decay_lr(epoch, base_lr, total_iters=5, power=1.0):
    return base_lr * (1 - min(epoch, total_iters) / total_iters) ** power


def cosine_warm_restarts_lr(epoch, base_lr, T_0, T_mult=1, eta_min=0.0):
    T_i, T_cur = T_0, epoch
    while T_cur >= T_i:  # walk past the finished cycles
        T_cur -= T_i
        T_i *= T_mult
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2


def warmup_cosine_lr(step, base_lr, warmup_steps, total_steps, eta_min=0.0):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = min((step - warmup_steps) / max(total_steps - warmup_steps, 1), 1.0)
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * progress)) / 2
