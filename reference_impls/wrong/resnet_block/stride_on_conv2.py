"""Wrong: puts the stride on the second 3x3 conv instead of the first (same output shape)."""

import numpy as np

from reference_impls.numpy.conv2d import conv2d
from reference_impls.numpy.resnet_block import *  # the rest is right
from reference_impls.numpy.resnet_block import _bn, has_projection

EXPECTED_HINT = "the stride goes on conv1"


def basic_block_forward(x, params, stride=1, training=True, eps=1e-5):
    c_out, c_in = params["conv1.weight"].shape[:2]
    h1 = np.maximum(_bn(conv2d(x, params["conv1.weight"], padding=1), params, "bn1", training, eps), 0)
    residual = _bn(conv2d(h1, params["conv2.weight"], stride=stride, padding=1), params, "bn2", training, eps)
    shortcut = x
    if has_projection(c_in, c_out, stride):
        shortcut = _bn(conv2d(x, params["downsample.0.weight"], stride=stride), params, "downsample.1", training, eps)
    return np.maximum(residual + shortcut, 0)
