"""Wrong: wraps only the model's direct nn.Linear children; a Linear inside a container keeps no adapter."""

import torch.nn as nn

from reference_impls.torch.adapter_finetune import (  # noqa: F401
    LoRAWrapped,
    finetune,
    model_size_bytes,
    perplexity,
    qlora_memory_bytes,
)

EXPECTED_HINT = "only the model's direct children were wrapped"


def add_lora(model, r=4, alpha=8.0):
    for p in model.parameters():
        p.requires_grad_(False)
    for name, child in list(model.named_children()):  # the mistake: no recursion into containers
        if isinstance(child, nn.Linear):
            setattr(model, name, LoRAWrapped(child, r, alpha))
    return model
