"""Correct, in Hugging Face's style: compute in at least float32 and cast back (their models upcast fp16 /
bf16 attention weights), written with promote_types so that float64 input stays float64; cross-entropy
through gather on the log-probabilities."""

import torch


def _compute_dtype(x):
    return torch.promote_types(x.dtype, torch.float32)


def softmax(x, dim=-1):
    xc = x.to(_compute_dtype(x))
    e = torch.exp(xc - xc.amax(dim=dim, keepdim=True))
    return (e / e.sum(dim=dim, keepdim=True)).to(x.dtype)


def softmax_backward(dy, y, dim=-1):
    dyc, yc = dy.to(_compute_dtype(y)), y.to(_compute_dtype(y))
    return (yc * (dyc - (dyc * yc).sum(dim=dim, keepdim=True))).to(y.dtype)


def log_softmax(x, dim=-1):
    xc = x.to(_compute_dtype(x))
    shifted = xc - xc.amax(dim=dim, keepdim=True)
    return (shifted - shifted.exp().sum(dim=dim, keepdim=True).log()).to(x.dtype)


def cross_entropy(logits, targets):
    logp = log_softmax(logits, dim=-1)
    return -logp.gather(1, targets.view(-1, 1)).squeeze(1).mean()


def cross_entropy_backward(logits, targets):
    grad = softmax(logits, dim=-1).clone()
    grad[torch.arange(logits.size(0)), targets] -= 1
    return grad / logits.size(0)
