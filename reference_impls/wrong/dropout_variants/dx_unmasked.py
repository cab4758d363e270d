"""Wrong: DropConnect's backward sends dx through the full W instead of the masked W * M used forward."""

from reference_impls.numpy.dropout_variants import *  # noqa: F403 - the rest is right

EXPECTED_HINT = "dx goes through the masked weights"


def dropconnect_backward(dout, x, W, mask):
    dW = x.T @ dout
    return dout @ W.T, dW if mask is None else dW * mask, dout.sum(axis=0)  # the mistake: W, not W * mask
