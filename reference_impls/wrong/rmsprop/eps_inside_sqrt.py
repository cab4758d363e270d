"""Wrong: divides by sqrt(v + eps) (as TensorFlow / Keras do), where PyTorch's RMSprop uses sqrt(v) + eps."""

import numpy as np

from reference_impls.numpy import rmsprop

EXPECTED_HINT = "eps inside the square root"


class RMSprop(rmsprop.RMSprop):
    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if self.weight_decay:
                g = g + self.weight_decay * p
            v = self.square_avg[i] = self.alpha * self.square_avg[i] + (1 - self.alpha) * g * g
            if self.centered:
                m = self.grad_avg[i] = self.alpha * self.grad_avg[i] + (1 - self.alpha) * g
                v = v - m * m
            denom = np.sqrt(v + self.eps)  # the mistake: np.sqrt(v) + self.eps
            if self.momentum:
                self.buffers[i] = self.momentum * self.buffers[i] + g / denom
                p -= self.lr * self.buffers[i]
            else:
                p -= self.lr * g / denom
