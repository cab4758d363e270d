"""Wrong: the gradient subtracts the one-hot from every row's column targets (g[:, targets] -= 1)."""

import torch

EXPECTED_HINT = "the one-hot is subtracted in the wrong place"


def softmax(x, dim=-1):
    e = torch.exp(x - x.max(dim=dim, keepdim=True).values)
    return e / e.sum(dim=dim, keepdim=True)


def softmax_backward(dy, y, dim=-1):
    return y * (dy - (dy * y).sum(dim=dim, keepdim=True))


def log_softmax(x, dim=-1):
    m = x.max(dim=dim, keepdim=True).values
    return x - m - (x - m).exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(logits, targets):
    return -log_softmax(logits)[torch.arange(len(targets)), targets].mean()


def cross_entropy_backward(logits, targets):
    g = softmax(logits)
    g[:, targets] -= 1
    return g / len(targets)
