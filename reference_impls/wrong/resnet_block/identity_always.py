"""Wrong: always adds x itself as the shortcut, so blocks that change the shape fail to broadcast."""

import numpy as np

from reference_impls.numpy.conv2d import conv2d
from reference_impls.numpy.resnet_block import *  # the rest is right
from reference_impls.numpy.resnet_block import _bn

EXPECTED_HINT = "shortcut without the 1x1 projection"


def basic_block_forward(x, params, stride=1, training=True, eps=1e-5):
    h1 = np.maximum(_bn(conv2d(x, params["conv1.weight"], stride=stride, padding=1), params, "bn1", training, eps), 0)
    residual = _bn(conv2d(h1, params["conv2.weight"], padding=1), params, "bn2", training, eps)
    return np.maximum(residual + x, 0)
