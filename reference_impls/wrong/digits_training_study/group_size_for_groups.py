"""GroupNorm given channels per group where it takes the number of groups."""

import torch.nn as nn

from reference_impls.torch.digits_training_study import (  # noqa: F401
    lr_at,
    make_optimizer,
    summarize,
    train,
    welch_t_test,
)

EXPECTED_HINT = "GroupNorm's first argument is the number of groups"


def _norm(kind, channels, groups):
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "layer":
        return nn.GroupNorm(1, channels)
    if kind == "group":
        return nn.GroupNorm(channels // groups, channels)  # the mistake: channels per group, not groups
    return nn.Identity()


def make_cnn(norm="batch", dropout=0.0, groups=4, num_classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), _norm(norm, 16, groups), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), _norm(norm, 32, groups), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(dropout), nn.Linear(128, num_classes),
    )  # fmt: skip
