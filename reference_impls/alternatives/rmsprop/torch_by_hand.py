"""Correct: torch.optim.RMSprop's single-tensor update written out by hand with NumPy's in-place ufuncs
(square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha), avg = square_avg.sqrt().add_(eps), ...)."""

import numpy as np


class RMSprop:
    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        self.params = list(params)
        self.defaults = dict(
            lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered
        )
        self.state = [{} for _ in self.params]

    def step(self, grads):
        d = self.defaults
        for param, grad, state in zip(self.params, grads, self.state):
            if not state:
                state["step"] = 0
                state["square_avg"] = np.zeros_like(param)
                if d["momentum"] > 0:
                    state["momentum_buffer"] = np.zeros_like(param)
                if d["centered"]:
                    state["grad_avg"] = np.zeros_like(param)
            state["step"] += 1
            if d["weight_decay"] != 0:
                grad = grad + d["weight_decay"] * param
            square_avg = state["square_avg"]
            square_avg *= d["alpha"]
            square_avg += (1 - d["alpha"]) * grad * grad
            if d["centered"]:
                grad_avg = state["grad_avg"]
                grad_avg *= d["alpha"]
                grad_avg += (1 - d["alpha"]) * grad
                avg = np.sqrt(square_avg - grad_avg * grad_avg) + d["eps"]
            else:
                avg = np.sqrt(square_avg) + d["eps"]
            if d["momentum"] > 0:
                buf = state["momentum_buffer"]
                buf *= d["momentum"]
                buf += grad / avg
                param -= d["lr"] * buf
            else:
                param -= d["lr"] * grad / avg
