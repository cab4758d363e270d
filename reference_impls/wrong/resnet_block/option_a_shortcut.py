"""Wrong: ignores the projection weights; the shortcut subsamples x and zero-pads its channels
(the paper's parameter-free "option A", not torchvision's 1x1 projection)."""

import numpy as np

from reference_impls.numpy.conv2d import conv2d
from reference_impls.numpy.resnet_block import *  # the rest is right
from reference_impls.numpy.resnet_block import _bn

EXPECTED_HINT = "shortcut without the 1x1 projection"


def basic_block_forward(x, params, stride=1, training=True, eps=1e-5):
    c_out = params["conv1.weight"].shape[0]
    h1 = np.maximum(_bn(conv2d(x, params["conv1.weight"], stride=stride, padding=1), params, "bn1", training, eps), 0)
    residual = _bn(conv2d(h1, params["conv2.weight"], padding=1), params, "bn2", training, eps)
    shortcut = x[:, :, ::stride, ::stride]
    pad = c_out - x.shape[1]
    shortcut = np.pad(shortcut, ((0, 0), (0, pad), (0, 0), (0, 0)))
    return np.maximum(residual + shortcut, 0)
