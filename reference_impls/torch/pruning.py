"""Magnitude pruning: unstructured (single weights) and structured (whole rows / channels by L1 norm).

Unstructured: zero the round(amount * n) weights of smallest |w| (Han et al. 2015, "Learning both
Weights and Connections for Efficient Neural Networks"). High sparsity with little accuracy loss,
but the tensor keeps its shape: it is only faster with sparse kernels (or 2:4 sparsity hardware).
Global pruning ranks the weights of several tensors together, so layers end up with different
sparsities.

Structured: zero whole slices along `dim` (dim=0: output neurons / conv filters) with the smallest
L1 norm (Li et al. 2017, "Pruning Filters for Efficient ConvNets"). Less sparsity for the same
accuracy, but the slices can be removed: a smaller dense layer, faster on any hardware.

Masks are float 0/1 tensors of the weight's shape, as torch.nn.utils.prune stores them
(weight = weight_orig * weight_mask); the results equal prune.l1_unstructured, prune.ln_structured
(n=1) and prune.global_unstructured (tests/reference/test_pruning.py). An int amount is a count.

Limits: one-shot (iterative pruning repeats prune + fine-tune at rising sparsity, as the Lottery
Ticket experiments do); ties in magnitude are broken as torch.topk breaks them.
"""

import torch


def _count(amount, n):
    return amount if isinstance(amount, int) else round(amount * n)  # torch.nn.utils.prune's rounding


def magnitude_mask(w, amount):
    """Mask zeroing the round(amount * numel) entries of smallest |w|."""
    k = _count(amount, w.numel())
    mask = torch.ones_like(w)
    smallest = torch.topk(w.abs().reshape(-1), k, largest=False).indices  # k = 0: none
    mask.view(-1)[smallest] = 0
    return mask


def structured_mask(w, amount, dim=0):
    """Mask zeroing the round(amount * w.shape[dim]) slices along `dim` of smallest L1 norm."""
    k = _count(amount, w.shape[dim])
    other = [d for d in range(w.dim()) if d != dim]
    norms = w.abs().sum(dim=other) if other else w.abs()  # (w.shape[dim],): L1 norm of each slice
    keep = torch.ones(w.shape[dim], dtype=w.dtype)
    keep[torch.topk(norms, k, largest=False).indices] = 0  # k = 0: none
    shape = [1] * w.dim()
    shape[dim] = -1
    return keep.view(shape).expand_as(w).clone()


def global_magnitude_masks(weights, amount):
    """One mask per tensor, pruning round(amount * total) smallest |w| across all of them together."""
    flat = torch.cat([w.reshape(-1) for w in weights])
    mask = magnitude_mask(flat, amount)
    return [m.view_as(w) for m, w in zip(mask.split([w.numel() for w in weights]), weights)]


def sparsity(mask):
    """Fraction of zeros."""
    return 1.0 - mask.count_nonzero().item() / mask.numel()
