"""Correct, the Hinton-lecture / Keras-style momentum: the buffer holds the step itself,
buf = momentum * buf + lr * g / denom and p -= buf; equal to PyTorch's lr * buf for a constant lr."""

import numpy as np


class RMSprop:
    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        self.params, self.lr, self.alpha, self.eps = params, lr, alpha, eps
        self.wd, self.momentum, self.centered = weight_decay, momentum, centered
        self.sq = [np.zeros_like(p) for p in params]
        self.avg = [np.zeros_like(p) for p in params]
        self.buf = [np.zeros_like(p) for p in params]

    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads)):
            g = g + self.wd * p
            self.sq[i] = self.alpha * self.sq[i] + (1 - self.alpha) * g * g
            if self.centered:
                self.avg[i] = self.alpha * self.avg[i] + (1 - self.alpha) * g
                denom = np.sqrt(self.sq[i] - self.avg[i] ** 2) + self.eps
            else:
                denom = np.sqrt(self.sq[i]) + self.eps
            if self.momentum > 0:
                self.buf[i] = self.momentum * self.buf[i] + self.lr * g / denom
                p -= self.buf[i]
            else:
                p -= self.lr * g / denom
