"""Wrong: db averages da over the batch instead of summing it."""

from reference_impls.numpy import mlp as _ref
from reference_impls.numpy.cross_entropy import cross_entropy, cross_entropy_grad
from reference_impls.numpy.mlp import mlp_forward

EXPECTED_HINT = "db must SUM da over the batch"


def mlp_backward(x, weights, biases, dlogits):
    dW, db, dx = _ref.mlp_backward(x, weights, biases, dlogits)
    n = x.shape[0]
    return dW, [g / n for g in db], dx


def mlp_loss_and_grads(x, y, weights, biases):
    logits = mlp_forward(x, weights, biases)
    dW, db, _ = mlp_backward(x, weights, biases, cross_entropy_grad(logits, y))
    return cross_entropy(logits, y), dW, db
