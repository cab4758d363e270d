"""Wrong: only the forward pass runs under autocast; the loss is computed outside it, on the 16-bit logits,
so cross_entropy runs in bfloat16 (inside autocast it is on the float32 list)."""

import torch

from reference_impls.torch.amp import LossScaler, autocast_forward  # noqa: F401 - as in the reference

EXPECTED_HINT = "the loss was computed outside autocast"


def amp_train_step(model, optimizer, loss_fn, x, y, dtype=torch.bfloat16):
    optimizer.zero_grad()
    with torch.autocast(device_type="cpu", dtype=dtype):
        logits = model(x)
    loss = loss_fn(logits, y)  # the mistake: outside autocast, in the logits' 16-bit dtype
    loss.backward()
    optimizer.step()
    return loss.item()
