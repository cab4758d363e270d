"""SGD with momentum, in PyTorch's formulation, in NumPy.

    g   = grad + weight_decay * p                   (L2 penalty folded into the gradient)
    buf = g                      on the first step   (no zero-initialised warm-up)
    buf = momentum * buf + (1 - dampening) * g       afterwards
    g   = g + momentum * buf     if nesterov, else  g = buf
    p   = p - lr * g

Note the learning rate multiplies the whole buffer: this differs from the Sutskever et al. /
CS231n form v = mu v - lr g, p = p + v only when lr changes during training.

Source: torch.optim.SGD's documented algorithm (PyTorch 2.x). Limits: dense float arrays,
updated in place like torch.optim; no maximize flag, no parameter groups.
"""

import numpy as np


class SGD:
    def __init__(self, params, lr=0.01, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        self.params = list(params)  # arrays updated in place by step()
        self.lr, self.momentum, self.dampening = lr, momentum, dampening
        self.weight_decay, self.nesterov = weight_decay, nesterov
        self.buffers = [None] * len(self.params)

    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if self.weight_decay:
                g = g + self.weight_decay * p
            if self.momentum:
                if self.buffers[i] is None:
                    self.buffers[i] = np.array(g, copy=True)
                else:
                    self.buffers[i] = self.momentum * self.buffers[i] + (1 - self.dampening) * g
                g = g + self.momentum * self.buffers[i] if self.nesterov else self.buffers[i]
            p -= self.lr * g
