"""Wrong: perplexity from the mean of the batches' mean losses (the short last batch weighs as much as a full one)."""

import math

import torch
import torch.nn.functional as F

from reference_impls.torch.adapter_finetune import (  # noqa: F401
    add_lora,
    finetune,
    model_size_bytes,
    qlora_memory_bytes,
    windows,
)

EXPECTED_HINT = "the batches' mean losses were averaged"


def perplexity(model, tokens, context, batch_size=256):
    X, Y = windows(tokens, context)
    model.eval()
    losses = []
    with torch.no_grad():
        for start in range(0, len(Y), batch_size):
            logits = model(X[start : start + batch_size])
            losses.append(F.cross_entropy(logits, Y[start : start + batch_size]).item())
    return math.exp(sum(losses) / len(losses))  # the mistake: every batch weighs the same
