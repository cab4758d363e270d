"""Wrong: Adam without the bias correction of its moment estimates."""

import numpy as np

from reference_impls.numpy.nn_framework import *  # noqa: F403 - the rest is right

EXPECTED_HINT = "bias correction"


class Adam:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params, self.lr, self.betas, self.eps = list(params), lr, betas, eps
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]

    def step(self, grads):
        b1, b2 = self.betas
        for i, (p, g) in enumerate(zip(self.params, grads)):
            self.m[i] = b1 * self.m[i] + (1 - b1) * g
            self.v[i] = b2 * self.v[i] + (1 - b2) * g * g
            p -= self.lr * self.m[i] / (np.sqrt(self.v[i]) + self.eps)  # the mistake: m and v not bias-corrected
