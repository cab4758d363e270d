"""Correct, in the style of cs231n's svm_loss_vectorized (linear_svm.py): margins for every class, the true
class's margin zeroed by fancy indexing, the gradient from a binary mask whose true-class entry is minus
the row's count of positive margins; scaled by 1 / (N C) as MultiMarginLoss. The binary hinge is written
as scikit-learn's hinge_loss, np.clip(1 - y s, 0, None)."""

import numpy as np


def hinge_loss(scores, y):
    losses = np.clip(1 - y * scores, 0, None)
    return losses.sum() / losses.size


def hinge_loss_grad(scores, y):
    active = (y * scores < 1).astype(scores.dtype)
    return -y * active / scores.size


def _margins(scores, target, margin):
    N = scores.shape[0]
    correct_class_scores = scores[np.arange(N), target]
    margins = np.maximum(0, scores - correct_class_scores[:, np.newaxis] + margin)
    margins[np.arange(N), target] = 0
    return margins


def multi_margin_loss(scores, target, margin=1.0):
    N, C = scores.shape
    return np.sum(_margins(scores, target, margin)) / (N * C)


def multi_margin_loss_grad(scores, target, margin=1.0):
    N, C = scores.shape
    binary = (_margins(scores, target, margin) > 0).astype(scores.dtype)
    row_sum = np.sum(binary, axis=1)
    binary[np.arange(N), target] = -row_sum
    return binary / (N * C)
