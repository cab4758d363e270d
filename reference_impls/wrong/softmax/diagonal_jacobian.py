"""Wrong: backward uses only the Jacobian's diagonal, y * (1 - y), as if softmax were elementwise."""

from reference_impls.numpy.softmax import softmax  # noqa: F401 - the forward pass is right

EXPECTED_HINT = "only the Jacobian's diagonal"


def softmax_backward(dout, y, axis=-1):
    return dout * y * (1 - y)  # the mistake: the off-diagonal terms -y_i y_j are missing
