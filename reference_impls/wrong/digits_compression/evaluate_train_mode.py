"""Wrong: evaluates without switching the model to eval mode (dropout on, batch norm on batch statistics)."""

import torch

from reference_impls.torch.digits_compression import (  # noqa: F401
    compare_variants,
    count_parameters,
    distill,
    iterative_prune,
    magnitude_prune,
    train_classifier,
)

EXPECTED_HINT = "evaluated in train mode"


def evaluate(model, X, y):
    with torch.no_grad():  # the mistake: no model.eval()
        return (model(X).argmax(dim=1) == y).float().mean().item()
