"""Wrong: ignores `training`, so eval mode drops weights / branches too."""

from reference_impls.numpy import dropout_variants as _right
from reference_impls.numpy.dropout_variants import *  # the rest is right

EXPECTED_HINT = "eval mode still drops"


def dropconnect_linear(x, W, b, p=0.5, training=True, rng=None):
    return _right.dropconnect_linear(x, W, b, p, True, rng)


def drop_path(x, p=0.0, training=True, rng=None):
    return _right.drop_path(x, p, True, rng)
