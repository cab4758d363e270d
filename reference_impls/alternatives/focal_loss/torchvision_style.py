"""Correct, in torchvision.ops.sigmoid_focal_loss's style: p = sigmoid(z), ce = the stable
binary_cross_entropy_with_logits, p_t = p y + (1 - p)(1 - y), loss = ce (1 - p_t)^gamma times
alpha_t = alpha y + (1 - alpha)(1 - y); the gradients by the chain rule through p_t, with log p_t = -ce."""

import numpy as np


def _sigmoid(z):
    return np.exp(-np.logaddexp(0, -z))


def _bce_with_logits(z, y):
    return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))


def sigmoid_focal_loss(z, y, alpha=0.25, gamma=2.0):
    p = _sigmoid(z)
    ce_loss = _bce_with_logits(z, y)
    p_t = p * y + (1 - p) * (1 - y)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * y + (1 - alpha) * (1 - y)
        loss = alpha_t * loss
    return loss.mean()


def sigmoid_focal_loss_grad(z, y, alpha=0.25, gamma=2.0):
    ce_loss = _bce_with_logits(z, y)  # -log p_t, for 0/1 targets
    p_t = np.exp(-ce_loss)
    sign = 2 * y - 1  # d p_t / d z = sign p_t (1 - p_t)
    grad = sign * (-gamma * (1 - p_t) ** gamma * p_t * ce_loss - (1 - p_t) ** (gamma + 1))
    if alpha >= 0:
        grad = grad * (alpha * y + (1 - alpha) * (1 - y))
    return grad / z.size


def _log_softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax_focal_loss(logits, target, gamma=2.0):
    rows = np.arange(logits.shape[0])
    ce = -_log_softmax(logits)[rows, target]
    pt = np.exp(-ce)
    return np.mean((1 - pt) ** gamma * ce)


def softmax_focal_loss_grad(logits, target, gamma=2.0):
    rows = np.arange(logits.shape[0])
    log_probs = _log_softmax(logits)
    probs = np.exp(log_probs)
    ce = -log_probs[rows, target]
    pt = np.exp(-ce)
    # L = (1 - p_t)^gamma ce; dL/d log p_t = -(1 - p_t)^gamma - gamma (1 - p_t)^(gamma - 1) p_t ce,
    # whose second term is 0 at p_t = 1 (guarded: gamma < 1 would divide by 0 there)
    easy = pt >= 1
    second = (
        gamma * np.where(easy, 0, 1 - pt) ** (gamma - 1) * pt * ce
        if gamma >= 1
        else np.where(easy, 0, gamma * np.where(easy, 1, 1 - pt) ** (gamma - 1) * pt * ce)
    )
    dl_dlogpt = -((1 - pt) ** gamma) - second
    onehot = np.zeros_like(probs)
    onehot[rows, target] = 1
    return dl_dlogpt[:, None] * (onehot - probs) / logits.shape[0]
