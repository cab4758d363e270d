"""Correct: PyTorch's schedulers' chainable (recursive) forms, replayed from epoch 0: StepLR multiplies by
gamma at each multiple of step_size, PolynomialLR by the ratio of consecutive decay factors,
CosineAnnealingWarmRestarts (stepped once per epoch) with T_cur and T_i as its step() keeps them."""

import math


def step_decay_lr(epoch, base_lr, step_size, gamma=0.1):
    lr = base_lr
    for last_epoch in range(1, epoch + 1):
        if last_epoch % step_size == 0:
            lr *= gamma
    return lr


def polynomial_decay_lr(epoch, base_lr, total_iters=5, power=1.0):
    lr = base_lr
    for last_epoch in range(1, epoch + 1):
        if last_epoch > total_iters:
            break
        lr *= ((1.0 - last_epoch / total_iters) / (1.0 - (last_epoch - 1) / total_iters)) ** power
    return lr


def cosine_warm_restarts_lr(epoch, base_lr, T_0, T_mult=1, eta_min=0.0):
    T_cur, T_i = 0, T_0
    for _ in range(epoch):  # scheduler.step() once per epoch
        T_cur += 1
        if T_cur >= T_i:
            T_cur -= T_i
            T_i *= T_mult
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2


def warmup_cosine_lr(step, base_lr, warmup_steps, total_steps, eta_min=0.0):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return eta_min
    decay_ratio = (step - warmup_steps) / (total_steps - warmup_steps)
    coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio))
    return eta_min + coeff * (base_lr - eta_min)
