"""A training study on 8x8 digits: normalization, optimizers and schedules, regularization, Welch's t-test.

Module 0.6's project studies training techniques on CIFAR-10; at a CPU's scale, on scikit-learn's 8x8
digits (shipped), the same study with a small CNN:

- `make_cnn(norm, dropout, groups)`: conv 1 -> 16, norm, ReLU, 2x2 max pool; conv 16 -> 32, norm, ReLU,
  max pool; flatten (128); dropout; Linear 128 -> classes. The norm: "batch" BatchNorm2d (statistics
  per channel over the batch and the pixels; running statistics in eval mode), "layer" GroupNorm(1, C)
  (per image over all channels and pixels: a CNN's layer norm, with per-channel affine parameters),
  "group" GroupNorm(groups, C) (per image and group of channels; Wu and He 2018), or "none".
- `make_optimizer`: SGD with momentum 0.9, Adam (weight decay added to the gradient: L2, which Adam's
  per-coordinate scaling then weakens for large-gradient weights), AdamW (decay applied to the weights
  directly, decoupled; Loshchilov and Hutter 2019).
- `lr_at`: "constant", "step" (x0.1 at half and at three quarters of training) or "cosine" (linear
  warm-up over `warmup` steps, then a half cosine from lr to 0).
- `train`: one configuration, seeded: the learning rate set from `lr_at` before every step; dropout
  and weight decay as configured; the test accuracy in eval mode. The defaults (batch norm, AdamW
  lr 1e-2, weight decay 1e-2, cosine with 10 warm-up steps, dropout 0.1, 2 epochs of 32) reach ~0.98.
- `welch_t_test` (Welch 1947): t = (mean_a - mean_b) / sqrt(var_a / n_a + var_b / n_b) with unbiased
  variances, the Welch-Satterthwaite degrees of freedom, the two-sided p-value from Student's t.
- `summarize`: per configuration, over its seeds: mean, std, and the p-value against the baseline.

tests/reference/test_digits_training_study.py checks the norms against torch's functional forms, the
optimizers against hand-written update rules, welch_t_test against scipy.stats.ttest_ind(equal_var=False).
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

DEFAULTS = {
    "norm": "batch",
    "optimizer": "adamw",
    "lr": 1e-2,
    "weight_decay": 1e-2,
    "schedule": "cosine",
    "warmup": 10,
    "dropout": 0.1,
    "epochs": 2,
    "batch_size": 32,
}


def _norm(kind, channels, groups):
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "layer":
        return nn.GroupNorm(1, channels)
    if kind == "group":
        return nn.GroupNorm(groups, channels)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"unknown norm {kind!r}: use 'batch', 'layer', 'group' or 'none'")


def make_cnn(norm="batch", dropout=0.0, groups=4, num_classes=10):
    """The study's CNN for (N, 1, 8, 8) images, with the given normalization and dropout."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), _norm(norm, 16, groups), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), _norm(norm, 32, groups), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(dropout), nn.Linear(32 * 2 * 2, num_classes),
    )  # fmt: skip


def make_optimizer(name, params, lr, weight_decay=0.0):
    """ "sgd" (momentum 0.9), "adam" (L2 weight decay) or "adamw" (decoupled weight decay)."""
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=weight_decay)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    raise ValueError(f"unknown optimizer {name!r}: use 'sgd', 'adam' or 'adamw'")


def lr_at(schedule, step, total_steps, lr, warmup=0):
    """The learning rate of step `step` (0-based) of `total_steps`."""
    if schedule == "constant":
        return lr
    if schedule == "step":
        return lr * 0.1 ** ((step >= total_steps // 2) + (step >= 3 * total_steps // 4))
    if schedule == "cosine":
        if step < warmup:
            return lr * (step + 1) / warmup
        progress = (step - warmup) / max(1, total_steps - warmup)
        return lr * 0.5 * (1 + math.cos(math.pi * progress))
    raise ValueError(f"unknown schedule {schedule!r}: use 'constant', 'step' or 'cosine'")


def train(config, X, y, X_test, y_test, seed=0):
    """Train make_cnn under `config` (missing keys: DEFAULTS) and return its test accuracy, a float."""
    c = {**DEFAULTS, **config}
    torch.manual_seed(seed)
    model = make_cnn(c["norm"], c["dropout"])
    optimizer = make_optimizer(c["optimizer"], model.parameters(), c["lr"], c["weight_decay"])
    per_epoch = math.ceil(len(y) / c["batch_size"])
    total, step = c["epochs"] * per_epoch, 0
    for _ in range(c["epochs"]):
        model.train()
        order = torch.randperm(len(y))
        for i in range(0, len(y), c["batch_size"]):
            batch = order[i : i + c["batch_size"]]
            for group in optimizer.param_groups:
                group["lr"] = lr_at(c["schedule"], step, total, c["lr"], c["warmup"])
            loss = F.cross_entropy(model(X[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
    model.eval()
    with torch.no_grad():
        return (model(X_test).argmax(1) == y_test).double().mean().item()


def welch_t_test(a, b):
    """(t, degrees of freedom, two-sided p) of Welch's t-test of mean(a) = mean(b); a, b: sequences of floats."""
    from scipy.special import stdtr

    a, b = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    va, vb = a.var() / len(a), b.var() / len(b)  # unbiased variances over the sizes
    t = ((a.mean() - b.mean()) / torch.sqrt(va + vb)).item()
    df = ((va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))).item()
    return t, df, float(2 * stdtr(df, -abs(t)))


def summarize(runs, baseline):
    """{name: (mean, std, p against runs[baseline])} over each configuration's per-seed accuracies; p of
    the baseline itself is 1.0."""
    table = {}
    for name, accuracies in runs.items():
        values = torch.as_tensor(accuracies, dtype=torch.float64)
        p = 1.0 if name == baseline else welch_t_test(accuracies, runs[baseline])[2]
        table[name] = (values.mean().item(), values.std().item(), p)
    return table
