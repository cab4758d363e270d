"""A mini deep-learning framework in NumPy (Module 0.2's capstone): layers with forward and
backward, a Network that stacks them, two losses, two optimizers and a training loop.

A layer caches what its backward needs during forward(x, training); backward(dout) stores the
gradients of its parameters (overwriting the last ones: no zero_grad needed) and returns dx.
params() and grads() list the layer's own arrays, in the same order, so that an optimizer can
update the parameters in place and a caller can load weights with p[...] = value.

    LinearLayer      out = x @ W + b            W (in, out), b (out,); He init W ~ N(0, 2 / in)
                     dW = x^T dout,  db = sum_n dout,  dx = dout W^T
    ActivationLayer  relu / tanh / sigmoid      dx = dout * f'(a)     (relu'(0) = 0, as PyTorch)
    DropoutLayer     inverted dropout: keep = rng.random(x.shape) >= p, out = x * keep / (1 - p)
    BatchNormLayer   (N, C): batch statistics in training (running ones updated as PyTorch's,
                     with the unbiased variance), running statistics in eval
    Network          forward through the layers in order, backward in reverse order
    SoftmaxCrossEntropy  mean over N of -log softmax(z)[y];  dz = (softmax(z) - onehot(y)) / N
    MSELoss              mean((pred - target)^2);            dpred = 2 (pred - target) / size
    SGD (momentum, buf = g on the first step) and Adam (bias-corrected), as torch.optim.
    train            per epoch, shuffle with rng.permutation(N), mini-batches in that order
                     (the last one may be smaller); one optimizer step per batch.

Source: the forward / backward layer API of CS231n's assignment 2 (layers.py) and the params()
of Karpathy's micrograd (nn.py); each layer equals its torch.nn counterpart (Linear with the
weight stored transposed, ReLU, Tanh, Sigmoid, Dropout, BatchNorm1d, CrossEntropyLoss, MSELoss).
Limits: float64 parameters; BatchNormLayer takes (N, C) only; no weight decay.
"""

import numpy as np

from reference_impls.numpy import adam, sgd
from reference_impls.numpy.batchnorm import batchnorm_backward, batchnorm_forward
from reference_impls.numpy.cross_entropy import cross_entropy, cross_entropy_grad

__all__ = [
    "SGD",
    "ActivationLayer",
    "Adam",
    "BatchNormLayer",
    "DropoutLayer",
    "Layer",
    "LinearLayer",
    "MSELoss",
    "Network",
    "SoftmaxCrossEntropy",
    "train",
]


class Layer:
    """The base class: a layer without parameters unless it says otherwise."""

    def forward(self, x, training=True):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def params(self):
        return []

    def grads(self):
        return []


class LinearLayer(Layer):
    def __init__(self, in_features, out_features, rng=None):
        rng = rng if rng is not None else np.random.default_rng()
        self.W = rng.standard_normal((in_features, out_features)) * np.sqrt(2.0 / in_features)
        self.b = np.zeros(out_features)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)

    def forward(self, x, training=True):
        self.x = x  # (N, in)
        return x @ self.W + self.b  # (N, out)

    def backward(self, dout):
        self.dW = self.x.T @ dout  # (in, out)
        self.db = dout.sum(axis=0)  # (out,): summed over the batch, like dW through the matmul
        return dout @ self.W.T  # (N, in)

    def params(self):
        return [self.W, self.b]

    def grads(self):
        return [self.dW, self.db]


class ActivationLayer(Layer):
    def __init__(self, kind="relu"):
        if kind not in ("relu", "tanh", "sigmoid"):
            raise ValueError(f"unknown activation {kind!r}")
        self.kind = kind

    def forward(self, x, training=True):
        if self.kind == "relu":
            self.out = np.maximum(x, 0)
        elif self.kind == "tanh":
            self.out = np.tanh(x)
        else:
            self.out = 0.5 * (1 + np.tanh(0.5 * x))  # sigmoid without overflow in exp(-x)
        return self.out

    def backward(self, dout):
        y = self.out  # every derivative here is a function of the output
        if self.kind == "relu":
            return dout * (y > 0)
        if self.kind == "tanh":
            return dout * (1 - y * y)
        return dout * y * (1 - y)


class DropoutLayer(Layer):
    def __init__(self, p=0.5, rng=None):
        self.p = p
        self.rng = rng if rng is not None else np.random.default_rng()

    def forward(self, x, training=True):
        if not training or self.p == 0:
            self.mask = None
            return x
        keep = self.rng.random(x.shape) >= self.p  # one draw per forward: the rng moves on
        self.mask = keep * (0.0 if self.p == 1 else 1.0 / (1.0 - self.p))
        return x * self.mask

    def backward(self, dout):
        return dout if self.mask is None else dout * self.mask


class BatchNormLayer(Layer):
    def __init__(self, num_features, momentum=0.1, eps=1e-5):
        self.gamma, self.beta = np.ones(num_features), np.zeros(num_features)
        self.running_mean, self.running_var = np.zeros(num_features), np.ones(num_features)
        self.momentum, self.eps = momentum, eps
        self.dgamma, self.dbeta = np.zeros(num_features), np.zeros(num_features)

    def forward(self, x, training=True):
        self.x, self.training = x, training
        y, self.running_mean, self.running_var = batchnorm_forward(
            x, self.gamma, self.beta, self.running_mean, self.running_var, training, self.momentum, self.eps
        )
        return y

    def backward(self, dout):
        if self.training:
            dx, self.dgamma, self.dbeta = batchnorm_backward(dout, self.x, self.gamma, self.eps)
            return dx
        rstd = 1 / np.sqrt(self.running_var + self.eps)  # eval: an affine map per feature
        self.dgamma = (dout * (self.x - self.running_mean) * rstd).sum(axis=0)
        self.dbeta = dout.sum(axis=0)
        return dout * self.gamma * rstd

    def params(self):
        return [self.gamma, self.beta]

    def grads(self):
        return [self.dgamma, self.dbeta]


class Network(Layer):
    def __init__(self, layers):
        self.layers = list(layers)

    def forward(self, x, training=True):
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def params(self):
        return [p for layer in self.layers for p in layer.params()]

    def grads(self):
        return [g for layer in self.layers for g in layer.grads()]


class SoftmaxCrossEntropy:
    def forward(self, logits, y):
        self.logits, self.y = logits, y
        return float(cross_entropy(logits, y))

    def backward(self):
        return cross_entropy_grad(self.logits, self.y)  # (softmax - onehot) / N


class MSELoss:
    def forward(self, pred, target):
        self.diff = pred - target
        return float(np.mean(self.diff**2))

    def backward(self):
        return 2 * self.diff / self.diff.size


class SGD(sgd.SGD):
    """torch.optim.SGD with momentum (reference_impls/numpy/sgd.py): step(grads) updates params in place."""

    def __init__(self, params, lr=0.01, momentum=0.0):
        super().__init__(params, lr, momentum)


class Adam(adam.Adam):
    """torch.optim.Adam (reference_impls/numpy/adam.py): step(grads) updates params in place."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr, betas, eps)


def train(network, loss_fn, optimizer, X, y, epochs=1, batch_size=32, rng=None):
    """Mini-batch training; returns the loss of every step, a float64 array (epochs * ceil(N / batch_size),)."""
    rng = rng if rng is not None else np.random.default_rng()
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start : start + batch_size]
            loss = loss_fn.forward(network.forward(X[idx], training=True), y[idx])
            network.backward(loss_fn.backward())
            optimizer.step(network.grads())
            losses.append(loss)
    return np.array(losses)
