"""Mixed precision: a bf16 autocast training step on CPU, and dynamic loss scaling for float16.

autocast runs the matmul-heavy ops (linear, conv, bmm) in the low-precision type and keeps the
ones that need range or accumulate (softmax, log_softmax, cross_entropy, norms, sums) in float32;
the weights, their gradients and the optimizer state stay float32 (the "master weights"). So:

    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = loss_fn(model(x), y)        # logits bf16, loss float32 (cross_entropy autocasts up)
    loss.backward()                        # outside the context; .grad is float32 like the weights
    optimizer.step()

bfloat16 has float32's 8 exponent bits, so gradients do not underflow and no loss scaling is
needed. float16 (5 exponent bits) flushes gradients below ~6e-8 to zero: multiply the loss by a
large scale S before backward, divide the gradients by S before the step, skip the step when they
hold inf/nan (S was too large), and adapt S (Micikevicius et al. 2018, "Mixed Precision
Training", Sec. 3.2; torch.amp.GradScaler):

    inf/nan found:  skip the step, S *= backoff_factor, reset the count of good steps
    else:           step; after growth_interval good steps in a row, S *= growth_factor

Source: torch.amp autocast docs (op lists) and GradScaler (_amp_update_scale_). Limits: one
optimizer, no unscale_() before clipping as a separate call, no per-device state; CPU autocast
only, bf16 by default (float16 works on CPU too; on a GPU: device_type="cuda").
"""

import torch


def autocast_forward(model, x, dtype=torch.bfloat16):
    """The model's output under CPU autocast to `dtype` (a `dtype` tensor for a Linear at the end)."""
    with torch.autocast(device_type="cpu", dtype=dtype):
        return model(x)


def amp_train_step(model, optimizer, loss_fn, x, y, dtype=torch.bfloat16):
    """One mixed-precision step (bf16 by default); returns the (float32) loss as a float."""
    optimizer.zero_grad()  # set_to_none (the default): backward writes fresh float32 gradients
    with torch.autocast(device_type="cpu", dtype=dtype):
        logits = model(x)  # bf16 (or float16)
        loss = loss_fn(logits, y)  # float32: cross_entropy is on autocast's float32 list
    loss.backward()
    optimizer.step()
    return loss.item()


class LossScaler:
    """GradScaler's dynamic loss scaling: scale(loss).backward(); step(optimizer); update()."""

    def __init__(self, init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        self.scale_value = float(init_scale)
        self.growth_factor, self.backoff_factor, self.growth_interval = growth_factor, backoff_factor, growth_interval
        self.good_steps = 0  # steps without inf/nan since the last change of scale
        self.found_inf = False

    def scale(self, loss):
        return loss * self.scale_value

    def step(self, optimizer):
        """Unscale every gradient in place; step unless one holds inf/nan. True when it stepped."""
        inv = 1.0 / self.scale_value
        self.found_inf = False
        for group in optimizer.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.grad.mul_(inv)
                    self.found_inf |= not bool(torch.isfinite(p.grad).all())
        if not self.found_inf:
            optimizer.step()
        return not self.found_inf

    def update(self):
        """Adapt the scale after step(): back off on inf/nan, grow after growth_interval good steps."""
        if self.found_inf:
            self.scale_value *= self.backoff_factor
            self.good_steps = 0
        else:
            self.good_steps += 1
            if self.good_steps == self.growth_interval:
                self.scale_value *= self.growth_factor
                self.good_steps = 0
