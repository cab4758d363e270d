"""Wrong: adds the adapters but leaves the base's parameters trainable."""

import torch.nn as nn

from reference_impls.torch.adapter_finetune import (  # noqa: F401
    LoRAWrapped,
    finetune,
    model_size_bytes,
    perplexity,
    qlora_memory_bytes,
)

EXPECTED_HINT = "the base was not frozen"


def add_lora(model, r=4, alpha=8.0):
    for name, child in list(model.named_children()):  # the mistake: no requires_grad_(False) on the base
        if isinstance(child, nn.Linear):
            setattr(model, name, LoRAWrapped(child, r, alpha))
        else:
            add_lora(child, r, alpha)
    return model
