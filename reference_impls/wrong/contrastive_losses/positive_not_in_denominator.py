"""Wrong: the softmax's denominator sums over the negatives only (the positive left out of the logsumexp)."""

import numpy as np

from reference_impls.numpy.contrastive import (  # noqa: F401 - right
    nt_xent_grad,
    pair_contrastive_loss,
    triplet_margin_grad,
    triplet_margin_loss,
)

EXPECTED_HINT = "the positive belongs in the denominator"


def nt_xent_loss(z1, z2, temperature=0.5):
    z = np.concatenate([z1, z2])
    u = z / np.linalg.norm(z, axis=1, keepdims=True)
    S = u @ u.T / temperature
    n2 = len(z)
    pos = (np.arange(n2) + n2 // 2) % n2
    s_pos = S[np.arange(n2), pos]
    S_neg = S.copy()
    np.fill_diagonal(S_neg, -np.inf)
    S_neg[np.arange(n2), pos] = -np.inf  # the mistake: the positive is not in the denominator
    m = S_neg.max(axis=1)
    lse = m + np.log(np.exp(S_neg - m[:, None]).sum(axis=1))
    return np.mean(lse - s_pos)
