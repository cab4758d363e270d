"""Wrong: the triplet loss on squared distances (FaceNet's form), not torch's Euclidean ones."""

import numpy as np

from reference_impls.numpy.contrastive import *  # the rest is right

EXPECTED_HINT = "not its square"


def triplet_margin_loss(anchor, positive, negative, margin=1.0, eps=1e-6):
    d_ap = np.sum((anchor - positive + eps) ** 2, axis=1)
    d_an = np.sum((anchor - negative + eps) ** 2, axis=1)
    return np.maximum(d_ap - d_an + margin, 0).mean()


def triplet_margin_grad(anchor, positive, negative, margin=1.0, eps=1e-6):
    dap, dan = anchor - positive + eps, anchor - negative + eps
    active = ((dap**2).sum(1) - (dan**2).sum(1) + margin > 0)[:, None].astype(anchor.dtype) / len(anchor)
    dp, dn = -2 * active * dap, 2 * active * dan
    return -dp - dn, dp, dn
