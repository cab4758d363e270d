"""Correct, in the style of the from-scratch "PyTorch in NumPy" frameworks (cs231n's layer cache, d2l.ai's
from-scratch chapters): every layer keeps its parameters and gradients in two dicts keyed by name, and
params() / grads() list them in the same key order; the layers are callable; the sigmoid is the
stable two-branch form; batch norm and the optimizers are written out in full (per-parameter state dicts
for SGD's momentum buffer and Adam's moments) rather than delegated."""

import numpy as np


class Layer:
    def __init__(self):
        self.param, self.grad = {}, {}

    def __call__(self, x, training=True):
        return self.forward(x, training)

    def forward(self, x, training=True):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def params(self):
        return [self.param[k] for k in self.param]

    def grads(self):
        return [self.grad[k] for k in self.param]


class LinearLayer(Layer):
    def __init__(self, in_features, out_features, rng=None):
        super().__init__()
        rng = np.random.default_rng() if rng is None else rng
        self.param["weight"] = rng.normal(0.0, np.sqrt(2.0 / in_features), size=(in_features, out_features))
        self.param["bias"] = np.zeros(out_features)
        self.grad = {k: np.zeros_like(v) for k, v in self.param.items()}

    def forward(self, x, training=True):
        self.cache = x
        return np.dot(x, self.param["weight"]) + self.param["bias"]

    def backward(self, dout):
        x = self.cache
        self.grad["weight"] = np.dot(x.T, dout)
        self.grad["bias"] = np.sum(dout, axis=0)
        return np.dot(dout, self.param["weight"].T)


def _sigmoid(x):
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


class ActivationLayer(Layer):
    def __init__(self, kind="relu"):
        super().__init__()
        self.kind = kind

    def forward(self, x, training=True):
        self.cache = x
        if self.kind == "relu":
            return np.where(x > 0, x, 0.0)
        if self.kind == "tanh":
            return np.tanh(x)
        return _sigmoid(x)

    def backward(self, dout):
        x = self.cache
        if self.kind == "relu":
            return np.where(x > 0, dout, 0.0)
        if self.kind == "tanh":
            return dout * (1.0 - np.tanh(x) ** 2)
        s = _sigmoid(x)
        return dout * s * (1.0 - s)


class DropoutLayer(Layer):
    def __init__(self, p=0.5, rng=None):
        super().__init__()
        self.p = p
        self.rng = np.random.default_rng() if rng is None else rng
        self.keep, self.scale = None, 1.0

    def forward(self, x, training=True):
        if training and self.p > 0:
            self.keep = self.rng.random(x.shape) >= self.p
            self.scale = 0.0 if self.p >= 1 else 1.0 / (1.0 - self.p)
            return np.where(self.keep, x * self.scale, 0.0)
        self.keep = None
        return x

    def backward(self, dout):
        if self.keep is None:
            return dout
        return np.where(self.keep, dout * self.scale, 0.0)


class BatchNormLayer(Layer):
    def __init__(self, num_features, momentum=0.1, eps=1e-5):
        super().__init__()
        self.param["gamma"] = np.ones(num_features)
        self.param["beta"] = np.zeros(num_features)
        self.grad = {k: np.zeros_like(v) for k, v in self.param.items()}
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)
        self.momentum, self.eps = momentum, eps

    def forward(self, x, training=True):
        gamma, beta = self.param["gamma"], self.param["beta"]
        if training:
            m = x.shape[0]
            mu = x.mean(axis=0)
            var = ((x - mu) ** 2).mean(axis=0)
            self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mu
            self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var * m / (m - 1)
        else:
            mu, var = self.running_mean, self.running_var
        std = np.sqrt(var + self.eps)
        xhat = (x - mu) / std
        self.cache = (training, xhat, std)
        return gamma * xhat + beta

    def backward(self, dout):
        training, xhat, std = self.cache
        gamma = self.param["gamma"]
        self.grad["gamma"] = np.sum(dout * xhat, axis=0)
        self.grad["beta"] = np.sum(dout, axis=0)
        dxhat = dout * gamma
        if not training:  # frozen statistics: an affine map per feature
            return dxhat / std
        m = dout.shape[0]
        return (m * dxhat - dxhat.sum(axis=0) - xhat * np.sum(dxhat * xhat, axis=0)) / (m * std)


class Network(Layer):
    def __init__(self, layers):
        super().__init__()
        self.layers = layers

    def forward(self, x, training=True):
        out = x
        for layer in self.layers:
            out = layer(out, training)
        return out

    def backward(self, dout):
        for layer in self.layers[::-1]:
            dout = layer.backward(dout)
        return dout

    def params(self):
        return sum((layer.params() for layer in self.layers), [])

    def grads(self):
        return sum((layer.grads() for layer in self.layers), [])


class SoftmaxCrossEntropy:
    def forward(self, logits, y):
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.probs, self.y = np.exp(log_probs), y
        return float(-log_probs[np.arange(len(y)), y].mean())

    def backward(self):
        d = self.probs.copy()
        d[np.arange(len(self.y)), self.y] -= 1
        return d / len(self.y)


class MSELoss:
    def forward(self, pred, target):
        self.pred, self.target = pred, target
        return float(((pred - target) ** 2).mean())

    def backward(self):
        return 2.0 * (self.pred - self.target) / self.pred.size


class SGD:
    def __init__(self, params, lr=0.01, momentum=0.0):
        self.params, self.lr, self.momentum = list(params), lr, momentum
        self.state = {}

    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if self.momentum:
                buf = self.state.get(i)
                buf = g.copy() if buf is None else self.momentum * buf + g
                self.state[i] = buf
                g = buf
            p -= self.lr * g


class Adam:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params, self.lr, self.betas, self.eps = list(params), lr, betas, eps
        self.state = {
            i: {"step": 0, "exp_avg": np.zeros_like(p), "exp_avg_sq": np.zeros_like(p)}
            for i, p in enumerate(self.params)
        }

    def step(self, grads):
        beta1, beta2 = self.betas
        for i, (p, g) in enumerate(zip(self.params, grads)):
            st = self.state[i]
            st["step"] += 1
            st["exp_avg"] = beta1 * st["exp_avg"] + (1 - beta1) * g
            st["exp_avg_sq"] = beta2 * st["exp_avg_sq"] + (1 - beta2) * g * g
            step_size = self.lr / (1 - beta1 ** st["step"])
            denom = np.sqrt(st["exp_avg_sq"] / (1 - beta2 ** st["step"])) + self.eps
            p -= step_size * st["exp_avg"] / denom


def train(network, loss_fn, optimizer, X, y, epochs=1, batch_size=32, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    history = []
    N = X.shape[0]
    for _epoch in range(epochs):
        perm = rng.permutation(N)
        for i in range(0, N, batch_size):
            batch = perm[i : i + batch_size]
            logits = network.forward(X[batch], training=True)
            history.append(loss_fn.forward(logits, y[batch]))
            network.backward(loss_fn.backward())
            optimizer.step(network.grads())
    return np.asarray(history, dtype=np.float64)
