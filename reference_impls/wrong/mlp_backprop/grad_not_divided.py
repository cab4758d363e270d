"""Wrong: dlogits = softmax - one_hot without the 1 / N of the mean loss."""

from reference_impls.numpy.cross_entropy import cross_entropy, cross_entropy_grad
from reference_impls.numpy.mlp import mlp_backward, mlp_forward

EXPECTED_HINT = "the loss is the mean over the batch"


def mlp_loss_and_grads(x, y, weights, biases):
    logits = mlp_forward(x, weights, biases)
    dW, db, _ = mlp_backward(x, weights, biases, cross_entropy_grad(logits, y) * x.shape[0])
    return cross_entropy(logits, y), dW, db
