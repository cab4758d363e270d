"""Wrong: fine-tunes after each pruning step without holding the pruned weights at zero."""

import copy

import torch
import torch.nn.functional as F

from reference_impls.torch.digits_compression import (  # noqa: F401
    compare_variants,
    count_parameters,
    distill,
    evaluate,
    magnitude_prune,
    train_classifier,
)

EXPECTED_HINT = "pruned weights grew back during fine-tuning"


def iterative_prune(model, X, y, levels=(0.3, 0.5, 0.7), finetune_steps=30, lr=1e-2, seed=0):
    torch.manual_seed(seed)
    snapshots = []
    for level in levels:
        magnitude_prune(model, level)
        model.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        for _ in range(finetune_steps):  # the mistake: the masks are not re-applied after the steps
            optimizer.zero_grad()
            F.cross_entropy(model(X), y).backward()
            optimizer.step()
        snapshots.append(copy.deepcopy(model))
    return snapshots
