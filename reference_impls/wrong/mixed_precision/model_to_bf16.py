"""Wrong: converts the model itself to bfloat16 instead of autocasting (the caller's float32 weights are lost)."""

import torch

from reference_impls.torch.amp import LossScaler, amp_train_step  # noqa: F401 - as in the reference

EXPECTED_HINT = "the model was converted"


def autocast_forward(model, x, dtype=torch.bfloat16):
    model.to(dtype)  # the mistake: the caller's model is now 16-bit for good
    return model(x.to(dtype))
