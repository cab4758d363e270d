"""Wrong: the block's batch norms use the batch statistics in eval mode too (the training flag not passed on)."""

import numpy as np

from reference_impls.numpy import resnet_block as ref
from reference_impls.numpy.resnet_block import (  # noqa: F401 - right
    basic_block_backward,
    basic_block_param_count,
    resnet_param_count,
)

EXPECTED_HINT = "eval mode normalizes with the RUNNING statistics"


def basic_block_forward(x, params, stride=1, training=True, eps=1e-5):
    return np.maximum(ref._branches(x, params, stride, True, eps)[-1], 0)  # the mistake: always training
