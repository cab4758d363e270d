"""Wrong: sums the per-example losses (and their gradients) instead of averaging over the batch."""

from reference_impls.numpy import cross_entropy as _ref
from reference_impls.numpy.cross_entropy import log_softmax  # noqa: F401 - right

EXPECTED_HINT = "summed over the batch"


def cross_entropy(logits, target, label_smoothing=0.0):
    return _ref.cross_entropy(logits, target, label_smoothing) * logits.shape[0]


def cross_entropy_grad(logits, target, label_smoothing=0.0):
    return _ref.cross_entropy_grad(logits, target, label_smoothing) * logits.shape[0]
