"""Correct, in cs231n's style: an update rule sgd_momentum(w, dw, config) -> (next_w, config) with the
velocity v = mu * v - lr * dw kept in a config dict per parameter (v is -lr times PyTorch's buffer, so the
steps are the same), wrapped in the class the task asks for; PyTorch's first step (buf = g, no dampening)
kept."""


def sgd_momentum(w, dw, config):
    lr, mu = config["learning_rate"], config["momentum"]
    damp, nesterov = config["dampening"], config["nesterov"]
    if config.get("weight_decay", 0.0):
        dw = dw + config["weight_decay"] * w
    v = config.get("velocity")
    v = -lr * dw if v is None else mu * v - lr * (1 - damp) * dw
    config["velocity"] = v
    step = -lr * dw + mu * v if nesterov else v
    return w + step, config


class SGD:
    def __init__(self, params, lr=0.01, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        self.params = list(params)
        base = {
            "learning_rate": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
        }
        self.configs = [dict(base) for _ in self.params]

    def step(self, grads):
        for p, dw, config in zip(self.params, grads, self.configs):
            if config["momentum"] == 0:
                g = dw + config["weight_decay"] * p
                p -= config["learning_rate"] * g
                continue
            next_w, _ = sgd_momentum(p, dw, config)
            p[...] = next_w
