"""Wrong: the paper's "efficient" form, lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t) and
p -= lr_t * m / (sqrt(v) + eps): eps is added before the bias correction, so it is effectively
eps * sqrt(1 - beta2^t) and not PyTorch's eps (visible when eps is not tiny)."""

import numpy as np

from reference_impls.numpy.adam import Adam as _Adam
from reference_impls.numpy.adam import AdamW as _AdamW

EXPECTED_HINT = "eps is added to sqrt(v_hat)"


def _step(self, grads):
    self.t += 1
    lr_t = self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
    for i, (p, g) in enumerate(zip(self.params, grads)):
        if self.weight_decay and self.decoupled:
            p *= 1 - self.lr * self.weight_decay
        elif self.weight_decay:
            g = g + self.weight_decay * p
        self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
        self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
        p -= lr_t * self.m[i] / (np.sqrt(self.v[i]) + self.eps)  # the mistake: eps before the correction


class Adam(_Adam):
    step = _step


class AdamW(_AdamW):
    step = _step
