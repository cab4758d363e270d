"""Wrong: the scaler steps even when a gradient is inf or nan (the autocast parts are right)."""

import torch

EXPECTED_HINT = "stepped on inf/nan gradients"


def autocast_forward(model, x):
    with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
        return model(x)


def amp_train_step(model, optimizer, loss_fn, x, y):
    optimizer.zero_grad()
    with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
        loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


class LossScaler:
    def __init__(self, init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        self.scale_value = init_scale
        self.growth_factor, self.backoff_factor, self.growth_interval = growth_factor, backoff_factor, growth_interval
        self.good_steps, self.found_inf = 0, False

    def scale(self, loss):
        return loss * self.scale_value

    def step(self, optimizer):
        self.found_inf = False
        for group in optimizer.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.grad.mul_(1.0 / self.scale_value)
                    self.found_inf |= not bool(torch.isfinite(p.grad).all())
        if True:  # the mistake: no skip
            optimizer.step()
        return not self.found_inf

    def update(self):
        if self.found_inf:
            self.scale_value *= self.backoff_factor
            self.good_steps = 0
        else:
            self.good_steps += 1
            if self.good_steps == self.growth_interval:
                self.scale_value *= self.growth_factor
                self.good_steps = 0
