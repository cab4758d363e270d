"""A CNN class with the norm chosen by a dict, torch.optim optimizers, a LambdaLR-style multiplier for the
schedule, and the t-test in NumPy with scipy.stats.t."""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from scipy import stats


def make_cnn(norm="batch", dropout=0.0, groups=4, num_classes=10):
    norms = {
        "batch": lambda c: nn.BatchNorm2d(c),
        "layer": lambda c: nn.GroupNorm(num_groups=1, num_channels=c),
        "group": lambda c: nn.GroupNorm(num_groups=groups, num_channels=c),
        "none": lambda c: nn.Identity(),
    }
    layers = []
    cin = 1
    for cout in (16, 32):
        layers += [nn.Conv2d(cin, cout, kernel_size=3, padding=1), norms[norm](cout), nn.ReLU(), nn.MaxPool2d(2)]
        cin = cout
    layers += [nn.Flatten(), nn.Dropout(p=dropout), nn.Linear(32 * 4, num_classes)]
    return nn.Sequential(*layers)


def make_optimizer(name, params, lr, weight_decay=0.0):
    if name == "sgd":
        return torch.optim.SGD(params, lr, momentum=0.9, weight_decay=weight_decay)
    cls = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[name]
    return cls(params, lr=lr, weight_decay=weight_decay)


def _multiplier(schedule, step, total_steps, warmup):
    if schedule == "cosine":
        if step < warmup:
            return (step + 1) / warmup
        return 0.5 * (1.0 + math.cos(math.pi * (step - warmup) / (total_steps - warmup)))
    if schedule == "step":
        if step >= 3 * total_steps // 4:
            return 0.01
        return 0.1 if step >= total_steps // 2 else 1.0
    return 1.0


def lr_at(schedule, step, total_steps, lr, warmup=0):
    return lr * _multiplier(schedule, step, total_steps, warmup)


def train(config, X, y, X_test, y_test, seed=0):
    cfg = dict(norm="batch", optimizer="adamw", lr=1e-2, weight_decay=1e-2, schedule="cosine", warmup=10)
    cfg.update(dropout=0.1, epochs=2, batch_size=32)
    cfg.update(config)
    torch.manual_seed(seed)
    net = make_cnn(cfg["norm"], dropout=cfg["dropout"])
    opt = make_optimizer(cfg["optimizer"], net.parameters(), cfg["lr"], cfg["weight_decay"])
    n = X.shape[0]
    steps_per_epoch = (n + cfg["batch_size"] - 1) // cfg["batch_size"]
    total = cfg["epochs"] * steps_per_epoch
    it = 0
    for _ in range(cfg["epochs"]):
        net.train()
        perm = torch.randperm(n)
        for b in range(steps_per_epoch):
            idx = perm[b * cfg["batch_size"] : (b + 1) * cfg["batch_size"]]
            for g in opt.param_groups:
                g["lr"] = lr_at(cfg["schedule"], it, total, cfg["lr"], cfg["warmup"])
            opt.zero_grad()
            F.cross_entropy(net(X[idx]), y[idx]).backward()
            opt.step()
            it += 1
    net.eval()
    with torch.no_grad():
        preds = net(X_test).argmax(dim=-1)
    return (preds == y_test).float().mean().item()


def welch_t_test(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    se2_a, se2_b = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    t = (a.mean() - b.mean()) / np.sqrt(se2_a + se2_b)
    df = (se2_a + se2_b) ** 2 / (se2_a**2 / (a.size - 1) + se2_b**2 / (b.size - 1))
    return float(t), float(df), float(2 * stats.t.sf(np.abs(t), df))


def summarize(runs, baseline):
    result = {}
    for name, accs in runs.items():
        accs = np.asarray(accs, dtype=np.float64)
        p = 1.0 if name == baseline else welch_t_test(accs, runs[baseline])[2]
        result[name] = (accs.mean(), accs.std(ddof=1), p)
    return result
