"""Wrong: counts the depthwise conv as a full C_in -> C_in conv."""

from reference_impls.numpy.depthwise_separable import (  # noqa: F401 - right
    conv_params,
    depthwise_separable_backward,
    depthwise_separable_conv,
    mult_adds_ratio,
)

EXPECTED_HINT = "a depthwise filter sees one channel"


def separable_params(c_in, c_out, k, bias=True):
    return conv_params(c_in, c_in, k, bias) + conv_params(c_in, c_out, 1, bias)
