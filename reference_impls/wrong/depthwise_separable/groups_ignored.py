"""Wrong: conv_params ignores groups: every filter counted over all C_in channels."""

from reference_impls.numpy.depthwise_separable import (  # noqa: F401 - right
    depthwise_separable_backward,
    depthwise_separable_conv,
    mult_adds_ratio,
    separable_params,
)

EXPECTED_HINT = "groups ignored"


def conv_params(c_in, c_out, k, bias=True, groups=1):
    return c_out * c_in * k * k + (c_out if bias else 0)  # the mistake: groups ignored
