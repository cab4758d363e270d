"""Wrong: the scaler steps even when a gradient is inf or nan (the autocast parts are right)."""

import torch

from reference_impls.torch import amp
from reference_impls.torch.amp import amp_train_step, autocast_forward  # noqa: F401 - as in the reference

EXPECTED_HINT = "stepped on inf/nan gradients"


class LossScaler(amp.LossScaler):
    def step(self, optimizer):
        self.found_inf = False
        for group in optimizer.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.grad.mul_(1.0 / self.scale_value)
                    self.found_inf |= not bool(torch.isfinite(p.grad).all())
        optimizer.step()  # the mistake: steps whether or not found_inf
        return not self.found_inf
