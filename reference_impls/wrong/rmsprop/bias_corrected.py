"""Wrong: divides v by 1 - alpha^t as Adam does; RMSprop has no bias correction."""

import numpy as np

EXPECTED_HINT = "RMSprop has no bias correction"


class RMSprop:
    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        self.params, self.lr, self.alpha, self.eps = list(params), lr, alpha, eps
        self.weight_decay, self.momentum, self.centered, self.t = weight_decay, momentum, centered, 0
        self.v = [np.zeros_like(p) for p in self.params]
        self.m = [np.zeros_like(p) for p in self.params]
        self.buf = [np.zeros_like(p) for p in self.params]

    def step(self, grads):
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, grads)):
            g = g + self.weight_decay * p
            self.v[i] = self.alpha * self.v[i] + (1 - self.alpha) * g * g
            v = self.v[i] / (1 - self.alpha**self.t)  # the mistake
            if self.centered:
                self.m[i] = self.alpha * self.m[i] + (1 - self.alpha) * g
                v = v - (self.m[i] / (1 - self.alpha**self.t)) ** 2
            denom = np.sqrt(v) + self.eps
            if self.momentum:
                self.buf[i] = self.momentum * self.buf[i] + g / denom
                p -= self.lr * self.buf[i]
            else:
                p -= self.lr * g / denom
