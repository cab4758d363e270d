"""Wrong: backward returns only the residual branch's dx, forgetting the shortcut's gradient."""

from reference_impls.numpy.batchnorm import batchnorm_backward
from reference_impls.numpy.conv2d import conv2d_backward
from reference_impls.numpy.resnet_block import *  # the rest is right
from reference_impls.numpy.resnet_block import _branches

EXPECTED_HINT = "dx must include the shortcut's gradient"


def basic_block_backward(dout, x, params, stride=1, eps=1e-5):
    a1, h1, a2, ad, z = _branches(x, params, stride, True, eps)
    g = dout * (z > 0)
    grads = {}
    da2, grads["bn2.weight"], grads["bn2.bias"] = batchnorm_backward(g, a2, params["bn2.weight"], eps)
    dh1, grads["conv2.weight"], _ = conv2d_backward(da2, h1, params["conv2.weight"], stride=1, padding=1)
    da1, grads["bn1.weight"], grads["bn1.bias"] = batchnorm_backward(dh1 * (h1 > 0), a1, params["bn1.weight"], eps)
    dx, grads["conv1.weight"], _ = conv2d_backward(da1, x, params["conv1.weight"], stride=stride, padding=1)
    if ad is not None:
        dad, grads["downsample.1.weight"], grads["downsample.1.bias"] = batchnorm_backward(
            g, ad, params["downsample.1.weight"], eps
        )
        grads["downsample.0.weight"] = conv2d_backward(dad, x, params["downsample.0.weight"], stride=stride)[1]
    return dx, grads  # the shortcut's share of dx is missing
