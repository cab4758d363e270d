"""Wrong: structured pruning always prunes rows (dim 0), whatever `dim` asks for."""

import torch

EXPECTED_HINT = "the slices were taken along the wrong dim"


def _count(amount, n):
    return amount if isinstance(amount, int) else round(amount * n)


def magnitude_mask(w, amount):
    k = _count(amount, w.numel())
    mask = torch.ones_like(w)
    if k > 0:
        mask.view(-1)[torch.topk(w.abs().reshape(-1), k, largest=False).indices] = 0
    return mask


def structured_mask(w, amount, dim=0):
    k = _count(amount, w.shape[0])
    norms = w.abs().reshape(w.shape[0], -1).sum(dim=1)
    mask = torch.ones_like(w)
    if k > 0:
        mask[torch.topk(norms, k, largest=False).indices] = 0
    return mask


def global_magnitude_masks(weights, amount):
    flat = torch.cat([w.reshape(-1) for w in weights])
    mask = magnitude_mask(flat, amount)
    return [m.view_as(w) for m, w in zip(mask.split([w.numel() for w in weights]), weights)]
