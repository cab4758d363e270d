"""Wrong: cs231n's convention in PyTorch's API: p taken as the probability of KEEPING a unit
(keep = u < p), while torch.nn.Dropout's p is the probability of dropping it."""

import numpy as np

from reference_impls.numpy.dropout import dropout_backward  # noqa: F401 - right

EXPECTED_HINT = "p is the probability of DROPPING a unit"


def dropout(x, p=0.5, training=True, rng=None):
    if not training:
        return x.copy(), None
    rng = rng if rng is not None else np.random.default_rng()
    keep = rng.random(x.shape) < p  # the mistake: >= p keeps with probability 1 - p
    mask = np.where(keep, 1.0 / (1.0 - p) if p < 1 else 0.0, 0.0).astype(x.dtype)
    return x * mask, mask
