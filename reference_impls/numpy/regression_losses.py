"""Regression losses, mean-reduced, and their gradients with respect to the prediction.

    mse   = mean((p - y)^2)                         d/dp = 2 (p - y) / n
    mae   = mean(|p - y|)                           d/dp = sign(p - y) / n      (0 at p == y)
    huber = mean(0.5 d^2        if |d| <= delta     d/dp = d / n
                 delta (|d| - 0.5 delta) else)             delta sign(d) / n

Huber is quadratic near zero (smooth, like MSE) and linear in the tails (robust to outliers,
like MAE). Conventions follow torch.nn.MSELoss / L1Loss / HuberLoss with reduction='mean';
note HuberLoss(delta) == delta * SmoothL1Loss(beta=delta).

Limits: reduction is always the mean over every element; an empty input gives nan, as in
PyTorch.
"""

import numpy as np


def mse_loss(pred, target):
    return np.mean((pred - target) ** 2)


def mse_loss_grad(pred, target):
    return 2 * (pred - target) / pred.size


def mae_loss(pred, target):
    return np.mean(np.abs(pred - target))


def mae_loss_grad(pred, target):
    return np.sign(pred - target) / pred.size


def huber_loss(pred, target, delta=1.0):
    d = pred - target
    a = np.abs(d)
    return np.mean(np.where(a <= delta, 0.5 * d * d, delta * (a - 0.5 * delta)))


def huber_loss_grad(pred, target, delta=1.0):
    d = pred - target
    return np.clip(d, -delta, delta) / pred.size  # d inside, +-delta outside
