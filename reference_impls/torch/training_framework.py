"""A small training framework: a lazy sharded dataset, a fast batch loader, a model factory, configs, experiments.

Module 0.8's capstone at a CPU's scale (PyTorch's Dataset / DataLoader docs; the "config + seed ->
identical run" discipline of Hydra-style experiment code):

- `ShardDataset(root, transform)`: a Dataset over a folder of shards in two formats, `<stem>.x.npy`
  with `<stem>.y.npy`, and `<stem>.csv` (features, then the label in the last column). __init__ reads
  only each shard's length (the .npy header through a memory map; a CSV's line count); __getitem__
  opens the one shard that holds the index, so the data never sits in memory as a whole. Shards are
  taken in sorted file-name order.
- `fast_batches(X, y, batch_size, shuffle, seed)`: the batches DataLoader(TensorDataset(X, y),
  batch_size, sampler=order) yields, order = torch.randperm(n, generator=Generator().manual_seed(seed))
  (or 0..n-1), but fetched a whole batch at a time (one index of the tensors per batch, no
  per-sample __getitem__ and collate: ~20-50x faster on small samples).
- `build_model(config)`: an nn.Module from a dict ("mlp", "cnn", "lm").
- `save_config` / `load_config`: JSON, a round trip; missing optional keys take DEFAULTS, an unknown or
  missing required key is a KeyError (a typo must not silently fall back to the default).
- `run_experiment(config, data)`: seeds everything from config["seed"], builds the model and the
  optimizer from the config, trains on data["train"] for the task (classification: cross-entropy;
  regression: MSE; generation: next-token cross-entropy) and returns the per-epoch training losses,
  the validation metric and the model. The same config gives the same numbers, bit for bit.

tests/reference/test_training_framework.py checks these against NumPy and torch.utils.data.DataLoader.
Limits: single process (no workers), CPU, float32.
"""

import copy
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REQUIRED = ("task", "model")
DEFAULTS = {"seed": 0, "optimizer": {"name": "adam", "lr": 1e-2, "weight_decay": 0.0}, "epochs": 10, "batch_size": 32}


# -- data ---------------------------------------------------------------------------------------------------


def _shards(root):
    """[(kind, path)] in sorted file-name order: ("npy", <stem>.x.npy) or ("csv", <stem>.csv)."""
    found = []
    for path in sorted(Path(root).iterdir()):
        if path.name.endswith(".x.npy"):
            found.append(("npy", path))
        elif path.suffix == ".csv":
            found.append(("csv", path))
    return found


def _length(kind, path):
    if kind == "npy":
        return np.load(path, mmap_mode="r").shape[0]  # the header only
    with open(path) as fh:
        return sum(1 for line in fh if line.strip())


class ShardDataset(torch.utils.data.Dataset):
    def __init__(self, root, transform=None):
        self.shards = _shards(root)
        self.transform = transform
        self.offsets = np.cumsum([0] + [_length(kind, path) for kind, path in self.shards])

    def __len__(self):
        return int(self.offsets[-1])

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"index {index} out of range for {len(self)} samples")
        k = int(np.searchsorted(self.offsets, index, side="right")) - 1
        kind, path = self.shards[k]
        row = index - int(self.offsets[k])
        if kind == "npy":
            x = np.load(path, mmap_mode="r")[row]
            y = np.load(path.with_name(path.name[: -len(".x.npy")] + ".y.npy"), mmap_mode="r")[row]
        else:
            values = np.loadtxt(path, delimiter=",", ndmin=2)[row]
            x, y = values[:-1], values[-1]
        x = torch.tensor(np.asarray(x), dtype=torch.float32)
        if self.transform is not None:
            x = self.transform(x)
        return x, torch.tensor(int(y), dtype=torch.int64)


def fast_batches(X, y, batch_size, shuffle=False, seed=0):
    """[(xb, yb), ...]: DataLoader's batches (same order for the same seed), one tensor index per batch."""
    n = len(X)
    if shuffle:
        order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    else:
        order = torch.arange(n)
    return [(X[idx], y[idx]) for idx in order.split(batch_size)]


# -- models ---------------------------------------------------------------------------------------------------

ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh}


def build_model(config):
    """An nn.Module from a config dict (see the exercise's task for the three types)."""
    kind = config["type"]
    if kind == "mlp":
        act = ACTIVATIONS[config.get("activation", "relu")]
        sizes = [config["in_features"], *config.get("hidden", []), config["out_features"]]
        layers = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(sizes) - 2:
                layers.append(act())
                if config.get("dropout", 0.0) > 0:
                    layers.append(nn.Dropout(config["dropout"]))
        return nn.Sequential(*layers)
    if kind == "cnn":
        k = config.get("kernel_size", 3)
        layers, c_in = [], config["in_channels"]
        for c in config["channels"]:
            layers += [nn.Conv2d(c_in, c, k, padding=k // 2), nn.ReLU(), nn.MaxPool2d(2)]
            c_in = c
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, config["num_classes"])]
        return nn.Sequential(*layers)
    if kind == "lm":
        return nn.Sequential(
            nn.Embedding(config["vocab_size"], config["n_embd"]), nn.Linear(config["n_embd"], config["vocab_size"])
        )
    raise ValueError(f"unknown model type {kind!r}: expected 'mlp', 'cnn' or 'lm'")


# -- configs ----------------------------------------------------------------------------------------------------


def save_config(config, path):
    Path(path).write_text(json.dumps(config, indent=2, sort_keys=True))


def load_config(path):
    """The config saved at `path`, the missing optional keys filled from DEFAULTS; a missing required key or an
    unknown key raises KeyError (a typo must fail, not fall back silently to a default)."""
    config = json.loads(Path(path).read_text())
    for key in config:
        if key not in REQUIRED and key not in DEFAULTS:
            raise KeyError(f"unknown config key {key!r}")
    for key in REQUIRED:
        if key not in config:
            raise KeyError(f"missing config key {key!r}")
    return {**copy.deepcopy(DEFAULTS), **config}


# -- experiments --------------------------------------------------------------------------------------------------


def _loss(task, out, target):
    if task == "classification":
        return F.cross_entropy(out, target)
    if task == "regression":
        return F.mse_loss(out.squeeze(-1), target)
    if task == "generation":
        return F.cross_entropy(out.flatten(0, 1), target.flatten())
    raise ValueError(f"unknown task {task!r}: expected 'classification', 'regression' or 'generation'")


def _metric(task, model, X, y):
    with torch.no_grad():
        out = model(X)
    if task == "regression":
        return F.mse_loss(out.squeeze(-1), y).item()
    return (out.argmax(-1) == y).double().mean().item()  # accuracy; per token for generation


def run_experiment(config, data):
    """{"losses": per-epoch mean training loss (float64 array), "metric": validation metric, "model"}."""
    config = {**DEFAULTS, **config}
    task = config["task"]
    torch.manual_seed(config["seed"])
    model = build_model(config["model"])
    opt = config["optimizer"]
    optimizers = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}
    optimizer = optimizers[opt["name"]](model.parameters(), lr=opt["lr"], weight_decay=opt.get("weight_decay", 0.0))
    X, y = data["train"]
    losses = []
    for epoch in range(config["epochs"]):
        model.train()
        total = 0.0
        batches = fast_batches(X, y, config["batch_size"], shuffle=True, seed=config["seed"] * 1000 + epoch)
        for xb, yb in batches:
            optimizer.zero_grad()
            loss = _loss(task, model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        losses.append(total / len(X))
    model.eval()
    return {"losses": np.array(losses), "metric": _metric(task, model, *data["val"]), "model": model}
