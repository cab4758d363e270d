"""Mixup (Zhang et al. 2018, arXiv:1710.09412) and CutMix (Yun et al. 2019, arXiv:1905.04899),
in NumPy.

mixup:  x' = lam x + (1 - lam) x[perm],   y' = lam y + (1 - lam) y[perm]     (y one-hot (N, K))
cutmix: paste a box of x[perm] into x; the box covers a fraction 1 - lam of the image:
        cut_h = int(H sqrt(1 - lam)), cut_w = int(W sqrt(1 - lam)), centred at (cy, cx), clipped
        to the image; then lam is recomputed from the box actually pasted,
        lam = 1 - box_area / (H W), and y' = lam y + (1 - lam) y[perm].
Sampling (mixup_batch / cutmix_batch): lam ~ Beta(alpha, alpha), perm = a permutation of the
batch, (cy, cx) uniform over the pixels, all from one Generator, in that order.

Source: the papers' reference code (facebookresearch/mixup-cifar10, clovaai/CutMix-PyTorch's
rand_bbox). Limits: images (N, C, H, W); one lam per batch, as both papers do.
"""

import numpy as np


def mixup(x, y, lam, perm):
    return lam * x + (1 - lam) * x[perm], lam * y + (1 - lam) * y[perm]


def cutmix_box(h, w, lam, cy, cx):
    """(y0, y1, x0, x1) of the box to paste, clipped to the image."""
    ratio = np.sqrt(1.0 - lam)
    cut_h, cut_w = int(h * ratio), int(w * ratio)
    y0, y1 = np.clip(cy - cut_h // 2, 0, h), np.clip(cy + cut_h // 2, 0, h)
    x0, x1 = np.clip(cx - cut_w // 2, 0, w), np.clip(cx + cut_w // 2, 0, w)
    return int(y0), int(y1), int(x0), int(x1)


def cutmix(x, y, lam, perm, cy, cx):
    """Returns (x', y', lam actually used)."""
    h, w = x.shape[2:]
    y0, y1, x0, x1 = cutmix_box(h, w, lam, cy, cx)
    out = x.copy()
    out[:, :, y0:y1, x0:x1] = x[perm][:, :, y0:y1, x0:x1]
    lam = 1 - (y1 - y0) * (x1 - x0) / (h * w)
    return out, lam * y + (1 - lam) * y[perm], lam


def mixup_batch(x, y, alpha=0.2, rng=None):
    rng = rng if rng is not None else np.random.default_rng()
    lam = rng.beta(alpha, alpha)
    return mixup(x, y, lam, rng.permutation(len(x)))


def cutmix_batch(x, y, alpha=1.0, rng=None):
    rng = rng if rng is not None else np.random.default_rng()
    lam = rng.beta(alpha, alpha)
    perm = rng.permutation(len(x))
    cy, cx = rng.integers(x.shape[2]), rng.integers(x.shape[3])
    return cutmix(x, y, lam, perm, cy, cx)
