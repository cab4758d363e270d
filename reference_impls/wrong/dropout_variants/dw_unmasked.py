"""Wrong: DropConnect's backward gives the dropped weights a gradient (dW not masked)."""

from reference_impls.numpy.dropout_variants import *  # the rest is right

EXPECTED_HINT = "the gradient of a dropped weight is 0"


def dropconnect_backward(dout, x, W, mask):
    Wm = W if mask is None else W * mask
    return dout @ Wm.T, x.T @ dout, dout.sum(axis=0)
