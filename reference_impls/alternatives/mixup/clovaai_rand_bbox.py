"""Correct, in the style of the CutMix authors' train.py (clovaai/CutMix-PyTorch rand_bbox) and the mixup
authors' mixup_data (facebookresearch/mixup-cifar10): cut_rat = np.sqrt(1. - lam), the box corners
bbx1..bby2 from np.clip, the patch pasted into a copy with index arrays, and lam adjusted "to exactly match
pixel ratio"."""

import numpy as np


def mixup(x, y, lam, perm):
    index = np.asarray(perm)
    mixed_x = lam * x + (1 - lam) * x[index, :]
    mixed_y = lam * y + (1 - lam) * y[index, :]
    return mixed_x, mixed_y


def cutmix_box(h, w, lam, cy, cx):
    cut_rat = np.sqrt(1.0 - lam)
    cut_h = int(h * cut_rat)
    cut_w = int(w * cut_rat)
    bby1 = np.clip(cy - cut_h // 2, 0, h)
    bby2 = np.clip(cy + cut_h // 2, 0, h)
    bbx1 = np.clip(cx - cut_w // 2, 0, w)
    bbx2 = np.clip(cx + cut_w // 2, 0, w)
    return int(bby1), int(bby2), int(bbx1), int(bbx2)


def cutmix(x, y, lam, perm, cy, cx):
    H, W = x.shape[-2], x.shape[-1]
    bby1, bby2, bbx1, bbx2 = cutmix_box(H, W, lam, cy, cx)
    mixed = np.copy(x)
    rows, cols = np.ix_(np.arange(bby1, bby2), np.arange(bbx1, bbx2))
    mixed[:, :, rows, cols] = x[perm][:, :, rows, cols]
    lam = 1 - ((bbx2 - bbx1) * (bby2 - bby1) / (W * H))  # adjust lambda to exactly match pixel ratio
    target = lam * y + (1 - lam) * y[perm]
    return mixed, target, lam
