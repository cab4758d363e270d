"""Focal loss (Lin et al. 2017, "Focal Loss for Dense Object Detection", arXiv:1708.02002).

    FL(p_t) = -alpha_t (1 - p_t)^gamma log(p_t)

(1 - p_t)^gamma down-weights easy examples (p_t near 1) so that the many easy negatives of an
imbalanced problem stop dominating the loss; gamma = 0 (and alpha = None) gives cross-entropy.

sigmoid_focal_loss: binary / multi-label, logits z and targets y in {0, 1}, any shape, exactly
    torchvision.ops.sigmoid_focal_loss(z, y, alpha, gamma, reduction='mean'); alpha < 0 disables
    the alpha_t weighting. alpha_t = alpha for positives, 1 - alpha for negatives.
softmax_focal_loss: multi-class, logits (N, C), integer targets (N,), p_t = softmax(z)[n, y_n].
Gradients are in closed form (derived below), written to stay finite when p_t -> 1.

Limits: mean reduction only; log p_t comes from log-sigmoid / log-softmax, never log(p).
"""

import numpy as np

from reference_impls.numpy.log_softmax import log_softmax


def _log_sigmoid(x):
    return -(np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x))))  # -softplus(-x)


def sigmoid_focal_loss(z, y, alpha=0.25, gamma=2.0):
    sign = 2 * y - 1  # +1 for positives, -1 for negatives
    log_pt = _log_sigmoid(sign * z)  # log p_t
    pt = np.exp(log_pt)
    loss = -((1 - pt) ** gamma) * log_pt
    if alpha >= 0:
        loss = loss * (alpha * y + (1 - alpha) * (1 - y))
    return np.mean(loss)


def sigmoid_focal_loss_grad(z, y, alpha=0.25, gamma=2.0):
    # dp_t/dz = sign p_t (1 - p_t), so
    # dL/dz = sign [gamma (1 - p_t)^gamma p_t log p_t - (1 - p_t)^(gamma + 1)]
    sign = 2 * y - 1
    log_pt = _log_sigmoid(sign * z)
    pt = np.exp(log_pt)
    g = sign * (gamma * (1 - pt) ** gamma * pt * log_pt - (1 - pt) ** (gamma + 1))
    if alpha >= 0:
        g = g * (alpha * y + (1 - alpha) * (1 - y))
    return g / z.size


def softmax_focal_loss(logits, target, gamma=2.0):
    n = logits.shape[0]
    log_pt = log_softmax(logits, axis=1)[np.arange(n), target]  # (N,)
    pt = np.exp(log_pt)
    return np.mean(-((1 - pt) ** gamma) * log_pt)


def softmax_focal_loss_grad(logits, target, gamma=2.0):
    # L = -(1 - p)^gamma log p, dp/dz = p (onehot - s)
    # dL/dz = [gamma (1 - p)^(gamma - 1) p log p - (1 - p)^gamma] (onehot - s)
    n = logits.shape[0]
    logs = log_softmax(logits, axis=1)  # (N, C)
    s = np.exp(logs)
    log_pt = logs[np.arange(n), target]  # (N,)
    pt = np.exp(log_pt)
    one_minus = 1 - pt
    with np.errstate(divide="ignore", invalid="ignore"):  # 0^(gamma - 1) is inf for gamma < 1 at p = 1
        first = gamma * one_minus ** (gamma - 1) * pt * log_pt
    first = np.where(one_minus > 0, first, 0)  # the term's limit as p -> 1 is 0
    coef = first - one_minus**gamma  # (N,)
    onehot = np.zeros_like(s)
    onehot[np.arange(n), target] = 1
    return coef[:, None] * (onehot - s) / n
