"""Correct, in the style of fairseq's DynamicLossScaler and its FP16 optimizer: an iteration counter and the
iteration of the last overflow (the scale grows when (iter - last_overflow_iter) % scale_window == 0), the
overflow found from the gradients' squared norm being inf/nan, the gradients divided by the scale with div_;
autocast entered with torch.autocast("cpu", dtype=...) and zero_grad(set_to_none=True)."""

import torch


def autocast_forward(model, x, dtype=torch.bfloat16):
    with torch.autocast("cpu", dtype=dtype, enabled=True):
        out = model(x)
    return out


def amp_train_step(model, optimizer, loss_fn, x, y, dtype=torch.bfloat16):
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast("cpu", dtype=dtype):
        loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return float(loss.detach())


class LossScaler:
    def __init__(self, init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        self.scale_value = float(init_scale)
        self.scale_factor = growth_factor
        self.backoff_factor = backoff_factor
        self.scale_window = growth_interval
        self._iter = 0
        self._last_overflow_iter = -1
        self._overflow = False

    def scale(self, outputs):
        return self.scale_value * outputs

    @staticmethod
    def has_overflow(grad_norm):
        return grad_norm == float("inf") or grad_norm != grad_norm  # inf, or nan

    def step(self, optimizer):
        params = [p for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
        for p in params:
            p.grad.div_(self.scale_value)
        grad_norm = float(sum(p.grad.double().pow(2).sum() for p in params)) if params else 0.0
        self._overflow = self.has_overflow(grad_norm)
        if not self._overflow:
            optimizer.step()
        return not self._overflow

    def update(self):
        if self._overflow:
            self.scale_value *= self.backoff_factor
            self._last_overflow_iter = self._iter
        elif (self._iter - self._last_overflow_iter) % self.scale_window == 0:
            self.scale_value *= self.scale_factor
        self._iter += 1
