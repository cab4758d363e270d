"""Wrong: the MLP puts its activation after every Linear, the output layer included."""

import torch.nn as nn

from reference_impls.torch.training_framework import (  # noqa: F401
    ACTIVATIONS,
    ShardDataset,
    fast_batches,
    load_config,
    run_experiment,
    save_config,
)
from reference_impls.torch.training_framework import build_model as _build_model

EXPECTED_HINT = "the activation also follows the last Linear"


def build_model(config):
    if config["type"] != "mlp":
        return _build_model(config)
    act = ACTIVATIONS[config.get("activation", "relu")]
    sizes = [config["in_features"], *config.get("hidden", []), config["out_features"]]
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), act()]  # the mistake: an activation after the output layer too
        if config.get("dropout", 0.0) > 0:
            layers.append(nn.Dropout(config["dropout"]))
    return nn.Sequential(*layers)
