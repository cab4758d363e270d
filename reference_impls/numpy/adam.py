"""Adam and AdamW with bias correction, in NumPy (Kingma & Ba 2015, arXiv:1412.6980;
Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", arXiv:1711.05101).

    t += 1
    Adam:  g = grad + weight_decay * p       (L2: the penalty goes through the adaptive scaling)
    AdamW: p = p * (1 - lr * weight_decay)   (decoupled: shrinks every weight by the same factor)
    m = beta1 * m + (1 - beta1) * g          # first moment
    v = beta2 * v + (1 - beta2) * g^2        # second moment
    m_hat = m / (1 - beta1^t)                # bias correction: m, v start at 0, so early
    v_hat = v / (1 - beta2^t)                #   averages are shrunk towards 0 without it
    p = p - lr * m_hat / (sqrt(v_hat) + eps)

Source: torch.optim.Adam / AdamW's documented algorithms (amsgrad=False), whose defaults these
are (AdamW's weight_decay defaults to 0.01). Limits: in-place updates of float arrays, no amsgrad.
"""

import numpy as np


class Adam:
    decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.params = list(params)
        self.lr, (self.beta1, self.beta2), self.eps, self.weight_decay = lr, betas, eps, weight_decay
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        bc1, bc2 = 1 - self.beta1**self.t, 1 - self.beta2**self.t
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if self.weight_decay and self.decoupled:
                p *= 1 - self.lr * self.weight_decay
            elif self.weight_decay:
                g = g + self.weight_decay * p
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
            m_hat, v_hat = self.m[i] / bc1, self.v[i] / bc2
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class AdamW(Adam):
    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(params, lr, betas, eps, weight_decay)
