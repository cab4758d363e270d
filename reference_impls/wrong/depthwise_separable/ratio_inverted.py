"""Wrong: the ratio taken the other way round, standard / separable (the speed-up), not separable / standard."""

from reference_impls.numpy.depthwise_separable import (  # noqa: F401 - right
    conv_params,
    depthwise_separable_backward,
    depthwise_separable_conv,
    separable_params,
)

EXPECTED_HINT = "the ratio is inverted"


def mult_adds_ratio(c_out, k):
    return 1 / (1 / c_out + 1 / k**2)  # the mistake: inverted
