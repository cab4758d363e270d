"""Wrong: centered RMSprop subtracts the square of the PREVIOUS step's mean (m updated after the denominator)."""

import numpy as np

EXPECTED_HINT = "centered: update the running mean m"


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
                denom = np.sqrt(self.sq[i] - self.avg[i] ** 2) + self.eps
                self.avg[i] = self.alpha * self.avg[i] + (1 - self.alpha) * g  # the mistake: before denom
            else:
                denom = np.sqrt(self.sq[i]) + self.eps
            if self.momentum > 0:
                self.buf[i] = self.momentum * self.buf[i] + g / denom
                p -= self.lr * self.buf[i]
            else:
                p -= self.lr * g / denom
