"""Wrong: the dissimilar pairs' hinge on the squared distance, max(0, margin - d^2), instead of max(0, margin - d)^2."""

import numpy as np

from reference_impls.numpy.contrastive import (  # noqa: F401 - right
    nt_xent_grad,
    nt_xent_loss,
    triplet_margin_grad,
    triplet_margin_loss,
)

EXPECTED_HINT = "max(0, margin - d)^2"


def pair_contrastive_loss(x1, x2, same, margin=1.0):
    d2 = ((x1 - x2) ** 2).sum(axis=1)
    return (0.5 * (same * d2 + (1 - same) * np.maximum(margin - d2, 0))).mean()  # the mistake
