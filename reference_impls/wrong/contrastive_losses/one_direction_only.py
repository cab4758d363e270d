"""Wrong: NT-Xent over the first view's rows only (z1's anchors against their positives in z2); SimCLR's
loss averages over all 2N anchors, z2's rows included."""

import numpy as np

from reference_impls.numpy.contrastive import (  # noqa: F401 - the rest is right
    nt_xent_grad,
    pair_contrastive_loss,
    triplet_margin_grad,
    triplet_margin_loss,
)

EXPECTED_HINT = "every one of the 2N embeddings is an anchor"


def nt_xent_loss(z1, z2, temperature=0.5):
    z = np.concatenate([z1, z2])
    u = z / np.linalg.norm(z, axis=1, keepdims=True)
    S = u @ u.T / temperature
    np.fill_diagonal(S, -np.inf)
    n = len(z1)
    logp = S - S.max(1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(1, keepdims=True))
    return -logp[np.arange(n), np.arange(n, 2 * n)].mean()  # the mistake: rows 0..2n-1, positives both ways
