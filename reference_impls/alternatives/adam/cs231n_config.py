"""Correct, in cs231n's style: an update rule adam(w, dw, config) -> (next_w, config) whose config dict
carries m, v and t between calls, wrapped in the class the task asks for (one config per parameter,
written back into the caller's array)."""

import numpy as np


def adam(w, dw, config):
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)

    b1, b2 = config["beta1"], config["beta2"]
    config["t"] += 1
    config["m"] = b1 * config["m"] + (1 - b1) * dw
    config["v"] = b2 * config["v"] + (1 - b2) * (dw**2)
    mt = config["m"] / (1 - b1 ** config["t"])
    vt = config["v"] / (1 - b2 ** config["t"])
    next_w = w - config["learning_rate"] * mt / (np.sqrt(vt) + config["epsilon"])
    return next_w, config


class Adam:
    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0):
        self.params = list(params)
        self.weight_decay = weight_decay
        self.configs = [
            {"learning_rate": lr, "beta1": betas[0], "beta2": betas[1], "epsilon": eps} for _ in self.params
        ]

    def decay(self, w, dw, config):
        return w, dw + self.weight_decay * w

    def step(self, grads):
        for w, dw, config in zip(self.params, grads, self.configs):
            w_decayed, dw = self.decay(w, dw, config)
            next_w, _ = adam(w_decayed, dw, config)
            w[...] = next_w


class AdamW(Adam):
    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01):
        super().__init__(params, lr, betas, eps, weight_decay)

    def decay(self, w, dw, config):
        return w * (1 - config["learning_rate"] * self.weight_decay), dw
