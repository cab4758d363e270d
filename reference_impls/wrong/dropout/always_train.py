"""Wrong: ignores `training`, so eval mode drops units too."""

from reference_impls.numpy import dropout as _ref
from reference_impls.numpy.dropout import dropout_backward  # noqa: F401 - right

EXPECTED_HINT = "eval mode applies dropout"


def dropout(x, p=0.5, training=True, rng=None):
    return _ref.dropout(x, p, True, rng)
