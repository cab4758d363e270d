"""Wrong: the max is taken along `axis`, but the normalizing sum always along the last axis."""

import numpy as np

from reference_impls.numpy.softmax import softmax_backward  # noqa: F401 (entry point)

EXPECTED_HINT = "normalized over the wrong axis"


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True)) if x.size else np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)  # the mistake: axis=axis
