"""Wrong: the triplet gradient is given to every triplet, also to those whose hinge is inactive (loss 0)."""

from reference_impls.numpy.contrastive import (  # noqa: F401 - right
    _distances,
    nt_xent_grad,
    nt_xent_loss,
    pair_contrastive_loss,
    triplet_margin_loss,
)

EXPECTED_HINT = "no gradient for a triplet whose hinge is inactive"


def triplet_margin_grad(anchor, positive, negative, margin=1.0, eps=1e-6):
    dap, dan, d_ap, d_an = _distances(anchor, positive, negative, eps)
    n = len(anchor)
    dp = -dap / d_ap[:, None] / n  # the mistake: no mask for d_ap - d_an + margin > 0
    dn = dan / d_an[:, None] / n
    return -dp - dn, dp, dn
