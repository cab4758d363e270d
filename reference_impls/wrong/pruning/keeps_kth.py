"""Wrong: the mask keeps |w| >= the k-th smallest magnitude: the k-th weight survives, k - 1 are pruned."""

import torch

EXPECTED_HINT = "the k-th smallest |w| survived"
ALSO_APPLIES = ("int(amount * n) truncates",)  # truncating 0.35 * 10 also spares the 4th smallest: the same mask


def _count(amount, n):
    return amount if isinstance(amount, int) else round(amount * n)


def magnitude_mask(w, amount):
    k = _count(amount, w.numel())
    if k == 0:
        return torch.ones_like(w)
    threshold = torch.kthvalue(w.abs().flatten(), k).values
    return (w.abs() >= threshold).to(w.dtype)  # the mistake: >= keeps the k-th


def structured_mask(w, amount, dim=0):
    k = _count(amount, w.shape[dim])
    dims = tuple(d for d in range(w.dim()) if d != dim)
    l1 = torch.norm(w, p=1, dim=dims) if dims else w.abs()
    keep = torch.ones_like(l1) if k == 0 else (l1 > torch.kthvalue(l1, k).values).to(w.dtype)
    shape = [1] * w.dim()
    shape[dim] = w.shape[dim]
    return keep.reshape(shape).expand_as(w).contiguous()


def global_magnitude_masks(weights, amount):
    scores = torch.cat([w.abs().flatten() for w in weights])
    k = _count(amount, scores.numel())
    if k == 0:
        return [torch.ones_like(w) for w in weights]
    threshold = torch.kthvalue(scores, k).values
    return [(w.abs() > threshold).to(w.dtype) for w in weights]
