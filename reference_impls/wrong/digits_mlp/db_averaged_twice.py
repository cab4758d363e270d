"""Wrong: db as the mean of dZ over the batch, though dZ already carries the 1 / N of the mean loss."""

from reference_impls.numpy import digits_mlp as _ref
from reference_impls.numpy.digits_mlp import forward, train  # noqa: F401 - right

EXPECTED_HINT = "db is dZ summed over the batch"
ALSO_APPLIES = ("a constant factor", "part of the output is right")


def backward(params, X, y):
    loss, grads = _ref.backward(params, X, y)
    return loss, [(dW, db / len(y)) for dW, db in grads]  # the mistake: dZ.mean(axis=0), not dZ.sum(axis=0)
