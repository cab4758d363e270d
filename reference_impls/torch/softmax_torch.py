"""Softmax forward and backward, and cross-entropy, by hand in PyTorch (no F.softmax, no autograd).

    softmax(x)_i = exp(x_i - max x) / sum_j exp(x_j - max x)
    backward:      dx = y * (dy - sum(dy * y, dim, keepdim=True))        (J = diag(y) - y y^T, never built)
    cross-entropy: -log(softmax(logits))[range(N), targets].mean()
                 = mean_n (logsumexp(logits_n) - logits_n[targets_n])   (the stable form)
    its gradient:  (softmax(logits) - onehot(targets)) / N

log(softmax(x)) underflows to log(0) = -inf once a logit trails the max by ~104 (float32), so the
loss is computed as x - logsumexp(x). Picking the target's log-probability per row needs both
indices, logp[torch.arange(N), targets]; logp[:, targets] is an (N, N) matrix whose mean is a
number, and wrong.

Source: Karpathy's "Building makemore Part 4: Becoming a Backprop Ninja" (the dlogits = softmax -
onehot derivation); checked against torch.softmax, F.cross_entropy and autograd. Limits: class
indices only (no probabilities as targets, no ignore_index, no label smoothing), mean reduction.
"""

import torch


def softmax(x, dim=-1):
    e = torch.exp(x - x.amax(dim=dim, keepdim=True))  # every exponent <= 0
    return e / e.sum(dim=dim, keepdim=True)


def softmax_backward(dy, y, dim=-1):
    """Gradient of sum(dy * softmax(x)) with respect to x, from y = softmax(x)."""
    return y * (dy - (dy * y).sum(dim=dim, keepdim=True))


def log_softmax(x, dim=-1):
    m = x.amax(dim=dim, keepdim=True)
    return x - m - torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))  # x - logsumexp(x)


def cross_entropy(logits, targets):
    """logits (N, C) float, targets (N,) int64 -> scalar tensor: the mean negative log-likelihood."""
    N = logits.size(0)
    return -log_softmax(logits, dim=-1)[torch.arange(N), targets].mean()


def cross_entropy_backward(logits, targets):
    """d cross_entropy / d logits: (N, C)."""
    N = logits.size(0)
    grad = softmax(logits, dim=-1)
    grad[torch.arange(N), targets] -= 1
    return grad / N
