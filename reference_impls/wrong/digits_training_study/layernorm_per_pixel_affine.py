"""Layer norm as nn.LayerNorm([C, H, W]): the right statistics, but a scale and shift per pixel."""

import torch.nn as nn

from reference_impls.torch.digits_training_study import (  # noqa: F401
    lr_at,
    make_optimizer,
    summarize,
    train,
    welch_t_test,
)

EXPECTED_HINT = "not nn.LayerNorm([C, H, W])"


def _norm(kind, channels, size, groups):
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "layer":
        return nn.LayerNorm([channels, size, size])  # the mistake: elementwise affine, C * H * W of each
    if kind == "group":
        return nn.GroupNorm(groups, channels)
    return nn.Identity()


def make_cnn(norm="batch", dropout=0.0, groups=4, num_classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), _norm(norm, 16, 8, groups), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), _norm(norm, 32, 4, groups), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(dropout), nn.Linear(128, num_classes),
    )  # fmt: skip
