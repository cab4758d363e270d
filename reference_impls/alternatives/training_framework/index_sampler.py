"""Another correct solution: a memory-mapped dataset with a shard lookup table, a DataLoader over batch indices
(BatchSampler + a dataset that takes a list of indices), a dict-of-builders model factory, dataclass-free configs."""

import bisect
import csv
import json
import random
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import BatchSampler, DataLoader, Dataset, SequentialSampler

DEFAULTS = {"seed": 0, "optimizer": {"name": "adam", "lr": 1e-2, "weight_decay": 0.0}, "epochs": 10, "batch_size": 32}


class ShardDataset(Dataset):
    def __init__(self, root, transform=None):
        self.transform = transform
        self.files, self.starts, total = [], [], 0
        for path in sorted(Path(root).glob("*")):
            if path.name.endswith(".x.npy"):
                n = len(np.load(path, mmap_mode="r"))
            elif path.suffix == ".csv":
                with open(path, newline="") as fh:
                    n = sum(1 for row in csv.reader(fh) if row)
            else:
                continue
            self.files.append(path)
            self.starts.append(total)
            total += n
        self.total = total

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        if index < 0:
            index += self.total
        if index < 0 or index >= self.total:
            raise IndexError(index)
        k = bisect.bisect_right(self.starts, index) - 1
        path, row = self.files[k], index - self.starts[k]
        if path.suffix == ".csv":
            with open(path, newline="") as fh:
                values = [r for r in csv.reader(fh) if r][row]
            x, y = np.array(values[:-1], dtype=np.float32), float(values[-1])
        else:
            x = np.array(np.load(path, mmap_mode="r")[row], dtype=np.float32)
            y = np.load(Path(str(path).replace(".x.npy", ".y.npy")), mmap_mode="r")[row]
        x = torch.from_numpy(x)
        return (self.transform(x) if self.transform else x), torch.tensor(int(y))


class _Batched(Dataset):
    def __init__(self, X, y):
        self.X, self.y = X, y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, indices):
        return self.X[indices], self.y[indices]


class _Order:
    def __init__(self, order):
        self.order = order

    def __iter__(self):
        return iter(self.order)

    def __len__(self):
        return len(self.order)


def fast_batches(X, y, batch_size, shuffle=False, seed=0):
    if shuffle:
        sampler = _Order(torch.randperm(len(X), generator=torch.Generator().manual_seed(seed)).tolist())
    else:
        sampler = SequentialSampler(range(len(X)))
    batches = BatchSampler(sampler, batch_size, drop_last=False)
    return list(DataLoader(_Batched(X, y), sampler=batches, batch_size=None))


def _mlp(c):
    acts = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh}
    widths = [c["in_features"]] + list(c.get("hidden", [])) + [c["out_features"]]
    layers = []
    for k in range(len(widths) - 1):
        layers.append(nn.Linear(widths[k], widths[k + 1]))
        if k + 2 < len(widths):
            layers.append(acts[c.get("activation", "relu")]())
            if c.get("dropout"):
                layers.append(nn.Dropout(c["dropout"]))
    return nn.Sequential(*layers)


def _cnn(c):
    k = c.get("kernel_size", 3)
    layers, prev = [], c["in_channels"]
    for ch in c["channels"]:
        layers.extend([nn.Conv2d(prev, ch, kernel_size=k, padding=k // 2), nn.ReLU(), nn.MaxPool2d(2)])
        prev = ch
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(prev, c["num_classes"]))


def _lm(c):
    return nn.Sequential(nn.Embedding(c["vocab_size"], c["n_embd"]), nn.Linear(c["n_embd"], c["vocab_size"]))


BUILDERS = {"mlp": _mlp, "cnn": _cnn, "lm": _lm}


def build_model(config):
    try:
        builder = BUILDERS[config["type"]]
    except KeyError:
        raise ValueError(f"no model type {config.get('type')!r}") from None
    return builder(config)


def save_config(config, path):
    with open(path, "w") as fh:
        json.dump(config, fh)


def load_config(path):
    with open(path) as fh:
        raw = json.load(fh)
    unknown = set(raw) - set(DEFAULTS) - {"task", "model"}
    if unknown:
        raise KeyError(f"unknown keys: {sorted(unknown)}")
    missing = {"task", "model"} - set(raw)
    if missing:
        raise KeyError(f"missing keys: {sorted(missing)}")
    config = json.loads(json.dumps(DEFAULTS))
    config.update(raw)
    return config


def run_experiment(config, data):
    cfg = {**DEFAULTS, **config}
    random.seed(cfg["seed"])
    np.random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    model = build_model(cfg["model"])
    o = cfg["optimizer"]
    opt_cls = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}[o["name"]]
    optimizer = opt_cls(model.parameters(), lr=o["lr"], weight_decay=o.get("weight_decay", 0.0))
    task = cfg["task"]

    def loss_fn(out, target):
        if task == "regression":
            return F.mse_loss(out.squeeze(-1), target)
        return F.cross_entropy(out.reshape(-1, out.shape[-1]), target.reshape(-1))

    X, y = data["train"]
    losses = []
    for epoch in range(cfg["epochs"]):
        model.train()
        seen, running = 0, 0.0
        for xb, yb in fast_batches(X, y, cfg["batch_size"], shuffle=True, seed=cfg["seed"] * 1000 + epoch):
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item() * len(xb)
            seen += len(xb)
        losses.append(running / seen)
    model.eval()
    Xv, yv = data["val"]
    with torch.no_grad():
        out = model(Xv)
        if task == "regression":
            metric = F.mse_loss(out.squeeze(-1), yv).item()
        else:
            metric = (out.argmax(-1) == yv).float().mean().item()
    return {"losses": losses, "metric": metric, "model": model}
