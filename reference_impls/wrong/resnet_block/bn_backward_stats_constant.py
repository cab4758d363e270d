"""Wrong: the batch norms' backward treats the batch mean and variance as constants: dx = dy * gamma / std."""

import numpy as np

from reference_impls.numpy import resnet_block as ref
from reference_impls.numpy.resnet_block import (  # noqa: F401 - right
    basic_block_forward,
    basic_block_param_count,
    resnet_param_count,
)

EXPECTED_HINT = "batch norm's dx includes the paths through the batch mean and variance"


def _bn_backward_constant_stats(dy, x, gamma, eps=1e-5):
    axes = (0, 2, 3)
    mu, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    rstd = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * rstd
    dx = dy * gamma.reshape(1, -1, 1, 1) * rstd  # the mistake: no mean / variance paths
    return dx, (dy * xhat).sum(axis=axes), dy.sum(axis=axes)


def basic_block_backward(dout, x, params, stride=1, eps=1e-5):
    a1, h1, a2, ad, z = ref._branches(x, params, stride, True, eps)
    g = dout * (z > 0)
    grads = {}
    da2, grads["bn2.weight"], grads["bn2.bias"] = _bn_backward_constant_stats(g, a2, params["bn2.weight"], eps)
    dh1, grads["conv2.weight"], _ = ref.conv2d_backward(da2, h1, params["conv2.weight"], stride=1, padding=1)
    da1, grads["bn1.weight"], grads["bn1.bias"] = _bn_backward_constant_stats(
        dh1 * (h1 > 0), a1, params["bn1.weight"], eps
    )
    dx, grads["conv1.weight"], _ = ref.conv2d_backward(da1, x, params["conv1.weight"], stride=stride, padding=1)
    if ad is None:
        return dx + g, grads
    dad, grads["downsample.1.weight"], grads["downsample.1.bias"] = _bn_backward_constant_stats(
        g, ad, params["downsample.1.weight"], eps
    )
    dxs, grads["downsample.0.weight"], _ = ref.conv2d_backward(dad, x, params["downsample.0.weight"], stride=stride)
    return dx + dxs, grads
