"""Wrong: the relative error divided by max(|a|, |n|) (another textbook form) instead of |a| + |n|."""

import numpy as np

from reference_impls.numpy.gradcheck import gradient_check, numerical_gradient  # noqa: F401 - right

EXPECTED_HINT = "divide by |a| + |n|"


def relative_error(analytic, numeric):
    if analytic.size == 0:
        return 0.0
    denom = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), 1e-12)  # the mistake: max, not the sum
    return float(np.max(np.abs(analytic - numeric) / denom))
