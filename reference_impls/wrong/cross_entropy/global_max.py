"""Wrong: log_softmax subtracts the max of the whole array, not each row's: exact in theory (the shift
cancels), but a row far below the global max underflows to exp(...) = 0 and log 0 = -inf."""

import numpy as np

from reference_impls.numpy.cross_entropy import smoothed_targets

EXPECTED_HINT = "the max of each row"
ALSO_APPLIES = ("an overflow or underflow",)


def log_softmax(x, axis=-1):
    shifted = x - np.max(x)  # the mistake: np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def cross_entropy(logits, target, label_smoothing=0.0):
    q = smoothed_targets(target, logits.shape[1], label_smoothing, logits.dtype)
    return -np.sum(q * log_softmax(logits, axis=1)) / logits.shape[0]


def cross_entropy_grad(logits, target, label_smoothing=0.0):
    q = smoothed_targets(target, logits.shape[1], label_smoothing, logits.dtype)
    return (np.exp(log_softmax(logits, axis=1)) - q) / logits.shape[0]
