"""Wrong: separable_params counts one bias vector (the pointwise conv's); the depthwise conv has its own
C_in biases too."""

from reference_impls.numpy.depthwise_separable import (  # noqa: F401 - the rest is right
    conv_params,
    depthwise_separable_backward,
    depthwise_separable_conv,
    mult_adds_ratio,
)

EXPECTED_HINT = "the depthwise conv's biases"


def separable_params(c_in, c_out, k, bias=True):
    return c_in * k * k + c_in * c_out + (c_out if bias else 0)  # the mistake: + c_in for the depthwise bias
