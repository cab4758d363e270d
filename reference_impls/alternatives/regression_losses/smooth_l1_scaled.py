"""Correct, written from PyTorch's docs: HuberLoss(delta) = delta * SmoothL1Loss(beta=delta), so the Huber loss is
the smooth-L1 formula (0.5 d^2 / beta inside, |d| - 0.5 beta outside) times delta, and its gradient the
residual clipped to [-delta, delta]; MSE as a dot product of the flattened residual with itself (np.vdot),
the gradients as one expression each."""

import numpy as np


def _resid(pred, target):
    return np.subtract(pred, target)


def mse_loss(pred, target):
    d = _resid(pred, target).ravel()
    return np.vdot(d, d) / d.size


def mse_loss_grad(pred, target):
    return 2.0 * _resid(pred, target) / pred.size


def mae_loss(pred, target):
    return np.abs(_resid(pred, target)).mean()


def mae_loss_grad(pred, target):
    return np.sign(_resid(pred, target)) / pred.size


def _smooth_l1(d, beta):
    a = np.abs(d)
    return np.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)


def huber_loss(pred, target, delta=1.0):
    return delta * _smooth_l1(_resid(pred, target), delta).mean()


def huber_loss_grad(pred, target, delta=1.0):
    return np.clip(_resid(pred, target), -delta, delta) / pred.size
