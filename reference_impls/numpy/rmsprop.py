"""RMSProp (Hinton, Coursera lecture 6e, 2012), in PyTorch's formulation, in NumPy.

    g   = grad + weight_decay * p
    v   = alpha * v + (1 - alpha) * g^2                      # running mean of squared gradients
    if centered: m = alpha * m + (1 - alpha) * g;  denom = sqrt(v - m^2) + eps
    else:        denom = sqrt(v) + eps                        # eps OUTSIDE the square root
    if momentum: buf = momentum * buf + g / denom;  p = p - lr * buf
    else:        p = p - lr * g / denom

v starts at zero and there is no bias correction (unlike Adam), so the first steps are large:
v_1 = (1 - alpha) g^2 gives a first step of about lr / sqrt(1 - alpha) = 10 lr for alpha = 0.99.

Source: torch.optim.RMSprop's documented algorithm. Limits: in-place updates of float arrays.
"""

import numpy as np


class RMSprop:
    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        self.params = list(params)
        self.lr, self.alpha, self.eps = lr, alpha, eps
        self.weight_decay, self.momentum, self.centered = weight_decay, momentum, centered
        self.square_avg = [np.zeros_like(p) for p in self.params]
        self.grad_avg = [np.zeros_like(p) for p in self.params]
        self.buffers = [np.zeros_like(p) for p in self.params]

    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if self.weight_decay:
                g = g + self.weight_decay * p
            v = self.square_avg[i] = self.alpha * self.square_avg[i] + (1 - self.alpha) * g * g
            if self.centered:
                m = self.grad_avg[i] = self.alpha * self.grad_avg[i] + (1 - self.alpha) * g
                denom = np.sqrt(v - m * m) + self.eps
            else:
                denom = np.sqrt(v) + self.eps
            if self.momentum:
                self.buffers[i] = self.momentum * self.buffers[i] + g / denom
                p -= self.lr * self.buffers[i]
            else:
                p -= self.lr * g / denom
