"""Correct, written as PyTorch-style modules in NumPy: Conv2d and BatchNorm2d classes with forward(x) that
caches what backward(dout) needs, a BasicBlock that composes them like torchvision's (conv1, bn1, relu,
conv2, bn2, downsample, relu after the sum), and parameter counts as sum(p.size for p in parameters()).
The convolution is im2col through np.lib.stride_tricks.sliding_window_view and one einsum; its backward
scatters the column gradient back tap by tap. Batch norm keeps a cache and uses the compact backward."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


class Conv2d:
    def __init__(self, weight, stride=1, padding=0):
        self.weight, self.stride, self.padding = weight, stride, padding

    def parameters(self):
        return [self.weight]

    def forward(self, x):
        p, s = self.padding, self.stride
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        k = self.weight.shape[2]
        win = sliding_window_view(xp, (k, k), axis=(2, 3))[:, :, ::s, ::s]  # (N, C, Ho, Wo, k, k)
        self.cache = (x.shape, xp.shape, win)
        return np.einsum("nchwij,ocij->nohw", win, self.weight)

    def backward(self, dout):
        x_shape, xp_shape, win = self.cache
        p, s, k = self.padding, self.stride, self.weight.shape[2]
        self.dweight = np.einsum("nohw,nchwij->ocij", dout, win)
        dxp = np.zeros(xp_shape, dtype=dout.dtype)
        Ho, Wo = dout.shape[2:]
        for i in range(k):
            for j in range(k):
                contrib = np.einsum("nohw,oc->nchw", dout, self.weight[:, :, i, j])
                dxp[:, :, i : i + s * (Ho - 1) + 1 : s, j : j + s * (Wo - 1) + 1 : s] += contrib
        H, W = x_shape[2:]
        return dxp[:, :, p : p + H, p : p + W]


class BatchNorm2d:
    def __init__(self, gamma, beta, running_mean, running_var, eps=1e-5):
        self.gamma, self.beta = gamma, beta
        self.running_mean, self.running_var, self.eps = running_mean, running_var, eps

    def parameters(self):
        return [self.gamma, self.beta]

    def forward(self, x, training=True):
        if training:
            mu = x.mean(axis=(0, 2, 3), keepdims=True)
            var = x.var(axis=(0, 2, 3), keepdims=True)
        else:
            mu = self.running_mean.reshape(1, -1, 1, 1)
            var = self.running_var.reshape(1, -1, 1, 1)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        xhat = (x - mu) * inv_std
        self.cache = (xhat, inv_std)
        return self.gamma.reshape(1, -1, 1, 1) * xhat + self.beta.reshape(1, -1, 1, 1)

    def backward(self, dout):
        xhat, inv_std = self.cache
        m = dout.size / dout.shape[1]
        self.dgamma = (dout * xhat).sum(axis=(0, 2, 3))
        self.dbeta = dout.sum(axis=(0, 2, 3))
        dxhat = dout * self.gamma.reshape(1, -1, 1, 1)
        return (
            inv_std
            / m
            * (
                m * dxhat
                - dxhat.sum(axis=(0, 2, 3), keepdims=True)
                - xhat * (dxhat * xhat).sum(axis=(0, 2, 3), keepdims=True)
            )
        )


def _bn(params, name, eps):
    return BatchNorm2d(*(params[f"{name}.{k}"] for k in ("weight", "bias", "running_mean", "running_var")), eps=eps)


class BasicBlock:
    expansion = 1

    def __init__(self, params, stride=1, eps=1e-5):
        self.conv1 = Conv2d(params["conv1.weight"], stride=stride, padding=1)
        self.bn1 = _bn(params, "bn1", eps)
        self.conv2 = Conv2d(params["conv2.weight"], stride=1, padding=1)
        self.bn2 = _bn(params, "bn2", eps)
        self.downsample = None
        if "downsample.0.weight" in params:
            self.downsample = (Conv2d(params["downsample.0.weight"], stride=stride), _bn(params, "downsample.1", eps))

    def forward(self, x, training=True):
        out = np.maximum(self.bn1.forward(self.conv1.forward(x), training), 0)
        self.relu1_mask = out > 0
        out = self.bn2.forward(self.conv2.forward(out), training)
        identity = x
        if self.downsample is not None:
            conv, bn = self.downsample
            identity = bn.forward(conv.forward(x), training)
        out = out + identity
        self.relu2_mask = out > 0
        return np.maximum(out, 0)

    def backward(self, dout):
        g = dout * self.relu2_mask
        d = self.bn2.backward(g)
        d = self.conv2.backward(d) * self.relu1_mask
        dx = self.conv1.backward(self.bn1.backward(d))
        grads = {
            "conv1.weight": self.conv1.dweight,
            "bn1.weight": self.bn1.dgamma,
            "bn1.bias": self.bn1.dbeta,
            "conv2.weight": self.conv2.dweight,
            "bn2.weight": self.bn2.dgamma,
            "bn2.bias": self.bn2.dbeta,
        }
        if self.downsample is None:
            return dx + g, grads
        conv, bn = self.downsample
        dx = dx + conv.backward(bn.backward(g))
        grads.update(
            {"downsample.0.weight": conv.dweight, "downsample.1.weight": bn.dgamma, "downsample.1.bias": bn.dbeta}
        )
        return dx, grads


def basic_block_forward(x, params, stride=1, training=True, eps=1e-5):
    return BasicBlock(params, stride, eps).forward(x, training)


def basic_block_backward(dout, x, params, stride=1, eps=1e-5):
    block = BasicBlock(params, stride, eps)
    block.forward(x, training=True)
    return block.backward(dout)


def _shapes(c_in, c_out, stride):
    shapes = [(c_out, c_in, 3, 3), (c_out,), (c_out,), (c_out, c_out, 3, 3), (c_out,), (c_out,)]
    if stride != 1 or c_in != c_out:
        shapes += [(c_out, c_in, 1, 1), (c_out,), (c_out,)]
    return shapes


def basic_block_param_count(c_in, c_out, stride=1):
    return int(sum(np.prod(s) for s in _shapes(c_in, c_out, stride)))


def resnet_param_count(layers=(2, 2, 2, 2), num_classes=1000, in_channels=3):
    total = 64 * in_channels * 7 * 7 + 64 + 64  # conv1, bn1
    inplanes = 64
    for i, (planes, blocks) in enumerate(zip((64, 128, 256, 512), layers)):
        for b in range(blocks):
            stride = 2 if (i > 0 and b == 0) else 1
            total += basic_block_param_count(inplanes, planes, stride)
            inplanes = planes * BasicBlock.expansion
    return total + 512 * num_classes + num_classes
