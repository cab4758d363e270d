"""Hinge losses (SVM losses), mean-reduced, and their (sub)gradients, in NumPy.

Binary, labels y in {-1, +1}, scores s:
    loss = mean(max(0, 1 - y s))                   d/ds = -y [y s < 1] / n
Multi-class (Weston-Watkins, as torch.nn.MultiMarginLoss with p=1), scores (N, C), labels (N,):
    loss_n = sum_{j != y_n} max(0, margin - s[n, y_n] + s[n, j]) / C
    loss   = mean_n loss_n
The subgradient at the kink (margin exactly met) is taken as 0, as in PyTorch.

Limits: no class weights, p = 1 only.
"""

import numpy as np


def hinge_loss(scores, y):
    return np.mean(np.maximum(0, 1 - y * scores))


def hinge_loss_grad(scores, y):
    return np.where(y * scores < 1, -y, 0).astype(scores.dtype) / scores.size


def multi_margin_loss(scores, target, margin=1.0):
    n, c = scores.shape
    correct = scores[np.arange(n), target][:, None]  # (N, 1)
    m = np.maximum(0, margin - correct + scores)  # (N, C)
    m[np.arange(n), target] = 0  # the true class is not its own rival
    return np.sum(m) / (n * c)


def multi_margin_loss_grad(scores, target, margin=1.0):
    n, c = scores.shape
    rows = np.arange(n)
    correct = scores[rows, target][:, None]  # (N, 1)
    active = (margin - correct + scores > 0).astype(scores.dtype)  # (N, C)
    active[rows, target] = 0
    grad = active.copy()
    grad[rows, target] = -active.sum(axis=1)  # the true score appears in every active term
    return grad / (n * c)
