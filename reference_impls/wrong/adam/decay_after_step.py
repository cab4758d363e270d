"""Wrong: AdamW shrinks the weights after the Adam update instead of before it (the decay then scales
the fresh update too: off by lr^2 * weight_decay * update per step)."""

import numpy as np

from reference_impls.numpy.adam import Adam

EXPECTED_HINT = "decay after the Adam update"


class AdamW(Adam):
    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(params, lr, betas, eps, weight_decay)

    def step(self, grads):
        self.t += 1
        bc1, bc2 = 1 - self.beta1**self.t, 1 - self.beta2**self.t
        for i, (p, g) in enumerate(zip(self.params, grads)):
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
            p -= self.lr * (self.m[i] / bc1) / (np.sqrt(self.v[i] / bc2) + self.eps)
            p *= 1 - self.lr * self.weight_decay  # the mistake: decays after the step, PyTorch decays first
