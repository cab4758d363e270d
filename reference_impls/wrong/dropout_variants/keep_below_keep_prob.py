"""Wrong: the keep test of cs231n's dropout, rng.random(...) < 1 - p, where the task draws keep = rng.random(...) >= p:
the same drop rate, but the other draws are kept, so the mask is not the one asked for."""

from reference_impls.numpy.dropout_variants import (  # noqa: F401 - right
    _scaled,
    drop_path_backward,
    dropconnect_backward,
    scheduled_drop_prob,
    stochastic_depth_rates,
)

EXPECTED_HINT = "the keep test is keep = rng.random(...) >= p"


def dropconnect_linear(x, W, b, p=0.5, training=True, rng=None):
    if not training or p == 0:
        return x @ W + b, None
    mask = _scaled(rng.random(W.shape) < 1 - p, p, W.dtype)  # the mistake: < 1 - p, not >= p
    return x @ (W * mask) + b, mask


def drop_path(x, p=0.0, training=True, rng=None):
    if not training or p == 0:
        return x.copy(), None
    keep = rng.random(x.shape[0]) < 1 - p  # the mistake: < 1 - p, not >= p
    mask = _scaled(keep, p, x.dtype).reshape(keep.shape + (1,) * (x.ndim - 1))
    return x * mask, mask
