"""The ResNet basic block, forward and backward, and ResNet parameter counts, in NumPy.

    out = relu( bn2(conv2( relu(bn1(conv1(x))) )) + shortcut(x) )
    conv1: 3x3, stride s, padding 1, C_in -> C_out      conv2: 3x3, stride 1, padding 1, C_out -> C_out
    shortcut(x) = x                                     when s == 1 and C_in == C_out
                = bn_d(conv_d(x)), conv_d 1x1 stride s   otherwise (the projection, "option B")
No conv has a bias (the BN after it has one). The last ReLU comes AFTER the addition.

The weights are a dict named as torchvision's BasicBlock.state_dict(): conv1.weight (C_out, C_in,
3, 3), bn1.weight / bn1.bias / bn1.running_mean / bn1.running_var (C_out,), conv2.weight, bn2.*,
and, with a projection, downsample.0.weight (C_out, C_in, 1, 1) and downsample.1.* (its BN).
BN uses the batch statistics in training and the running ones in eval.

Backward (training): the addition hands the same gradient g = dout * (out > 0) to both branches,
so dx = g (identity) or its projection's backward, PLUS the residual branch's backward. The
identity term is the "gradient highway": however small the residual branch's gradient, dx gets g.

Parameters: 9 C_in C_out + 9 C_out^2 + 4 C_out (two BNs), plus C_in C_out + 2 C_out with a
projection. ResNet-18 = 7x7 stem (3 -> 64) + BN + 4 stages of 2 blocks (64, 128, 256, 512, stride 2
from the second stage on) + fc 512 -> classes: 11,689,512 for 1000 classes.

Source: He et al. 2016, "Deep Residual Learning for Image Recognition" (arXiv:1512.03385), Fig. 2,
Table 1 and the projection shortcuts (eq. 2); torchvision.models.resnet.BasicBlock / resnet18.
Limits: float32 / float64; running statistics are read, not updated.
"""

import numpy as np

from reference_impls.numpy.batchnorm import batchnorm_backward, batchnorm_forward
from reference_impls.numpy.conv2d import conv2d, conv2d_backward


def has_projection(c_in, c_out, stride):
    return stride != 1 or c_in != c_out


def _bn(x, params, name, training, eps):
    p = lambda k: params[f"{name}.{k}"]
    return batchnorm_forward(x, p("weight"), p("bias"), p("running_mean"), p("running_var"), training, 0.1, eps)[0]


def _branches(x, params, stride, training, eps):
    """Every intermediate the backward needs, in forward order."""
    c_out, c_in = params["conv1.weight"].shape[:2]
    a1 = conv2d(x, params["conv1.weight"], stride=stride, padding=1)  # (N, C_out, H', W')
    h1 = np.maximum(_bn(a1, params, "bn1", training, eps), 0)
    a2 = conv2d(h1, params["conv2.weight"], stride=1, padding=1)
    residual = _bn(a2, params, "bn2", training, eps)
    if has_projection(c_in, c_out, stride):
        ad = conv2d(x, params["downsample.0.weight"], stride=stride)  # 1x1, no padding
        shortcut = _bn(ad, params, "downsample.1", training, eps)
    else:
        ad, shortcut = None, x
    return a1, h1, a2, ad, residual + shortcut


def basic_block_forward(x, params, stride=1, training=True, eps=1e-5):
    """x (N, C_in, H, W) -> (N, C_out, H', W'), H' = (H - 1) // stride + 1."""
    z = _branches(x, params, stride, training, eps)[-1]
    return np.maximum(z, 0)


def basic_block_backward(dout, x, params, stride=1, eps=1e-5):
    """Training mode. Returns (dx, grads): grads has a key for every learnable weight in params
    (the convs' weights and the BNs' weight / bias), not for the running statistics."""
    a1, h1, a2, ad, z = _branches(x, params, stride, True, eps)
    g = dout * (z > 0)  # through the last ReLU; then the sum copies g to both branches
    grads = {}
    # residual branch: bn2 <- conv2 <- relu <- bn1 <- conv1
    da2, grads["bn2.weight"], grads["bn2.bias"] = batchnorm_backward(g, a2, params["bn2.weight"], eps)
    dh1, grads["conv2.weight"], _ = conv2d_backward(da2, h1, params["conv2.weight"], stride=1, padding=1)
    dbn1 = dh1 * (h1 > 0)
    da1, grads["bn1.weight"], grads["bn1.bias"] = batchnorm_backward(dbn1, a1, params["bn1.weight"], eps)
    dx, grads["conv1.weight"], _ = conv2d_backward(da1, x, params["conv1.weight"], stride=stride, padding=1)
    # shortcut branch
    if ad is None:
        dx = dx + g  # the identity: the gradient highway
    else:
        dad, grads["downsample.1.weight"], grads["downsample.1.bias"] = batchnorm_backward(
            g, ad, params["downsample.1.weight"], eps
        )
        dxs, grads["downsample.0.weight"], _ = conv2d_backward(dad, x, params["downsample.0.weight"], stride=stride)
        dx = dx + dxs
    return dx, grads


def basic_block_param_count(c_in, c_out, stride=1):
    """Learnable parameters (conv weights, BN weight and bias; not the running statistics)."""
    count = 9 * c_in * c_out + 9 * c_out * c_out + 4 * c_out
    if has_projection(c_in, c_out, stride):
        count += c_in * c_out + 2 * c_out
    return count


def resnet_param_count(layers=(2, 2, 2, 2), num_classes=1000, in_channels=3):
    """A ResNet of basic blocks (ResNet-18: (2, 2, 2, 2); ResNet-34: (3, 4, 6, 3)), ImageNet stem."""
    count = 49 * in_channels * 64 + 2 * 64  # 7x7 stride-2 conv and its BN (the max-pool has none)
    c_in = 64
    for stage, blocks in enumerate(layers):
        c_out = 64 * 2**stage
        for b in range(blocks):
            count += basic_block_param_count(c_in, c_out, 2 if stage > 0 and b == 0 else 1)
            c_in = c_out
    return count + c_in * num_classes + num_classes  # global average pool, then fc
