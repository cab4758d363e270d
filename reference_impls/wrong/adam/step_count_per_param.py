"""Wrong: the step count t advances once per parameter instead of once per step(), so with several
parameter arrays the bias correction fades too fast."""

import numpy as np

from reference_impls.numpy.adam import Adam as _Adam
from reference_impls.numpy.adam import AdamW as _AdamW

EXPECTED_HINT = "once per step()"


def _step(self, grads):
    for i, (p, g) in enumerate(zip(self.params, grads)):
        self.t += 1  # the mistake: inside the loop over parameters
        if self.weight_decay and self.decoupled:
            p *= 1 - self.lr * self.weight_decay
        elif self.weight_decay:
            g = g + self.weight_decay * p
        self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
        self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
        m_hat, v_hat = self.m[i] / (1 - self.beta1**self.t), self.v[i] / (1 - self.beta2**self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class Adam(_Adam):
    step = _step


class AdamW(_AdamW):
    step = _step
