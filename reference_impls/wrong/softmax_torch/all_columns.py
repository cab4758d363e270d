"""Wrong: cross-entropy indexes logp[:, targets] (an N x N block) instead of logp[arange(N), targets]."""

import torch

EXPECTED_HINT = "logp[:, targets] picks an (N, N) block"


def softmax(x, dim=-1):
    e = torch.exp(x - x.max(dim=dim, keepdim=True).values)
    return e / e.sum(dim=dim, keepdim=True)


def softmax_backward(dy, y, dim=-1):
    return y * (dy - (dy * y).sum(dim=dim, keepdim=True))


def log_softmax(x, dim=-1):
    m = x.max(dim=dim, keepdim=True).values
    return x - m - (x - m).exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(logits, targets):
    return -log_softmax(logits)[:, targets].mean()


def cross_entropy_backward(logits, targets):
    g = softmax(logits)
    g[torch.arange(len(targets)), targets] -= 1
    return g / len(targets)
