"""Wrong: magnitude pruning zeroes the smallest biases too."""

import torch
import torch.nn as nn

from reference_impls.torch.digits_compression import (  # noqa: F401
    compare_variants,
    count_parameters,
    distill,
    evaluate,
    iterative_prune,
    train_classifier,
)

EXPECTED_HINT = "the biases were pruned too"


def magnitude_prune(model, sparsity):
    masks = {}
    for name, module in model.named_modules():
        if isinstance(module, nn.Linear):
            for param_name, p in module.named_parameters():  # the mistake: the bias is pruned as well
                k = round(sparsity * p.numel())
                mask = torch.ones_like(p)
                if k > 0:
                    mask.view(-1)[torch.topk(p.detach().abs().reshape(-1), k, largest=False).indices] = 0
                p.data.mul_(mask)
                masks[f"{name}.{param_name}"] = mask
    return masks
