"""Wrong: seeds nothing, so the same config trains a differently initialized model each time."""

import numpy as np
import torch

from reference_impls.torch.training_framework import (  # noqa: F401
    DEFAULTS,
    ShardDataset,
    _loss,
    _metric,
    build_model,
    fast_batches,
    load_config,
    save_config,
)

EXPECTED_HINT = "the same config gave different losses"


def run_experiment(config, data):
    config = {**DEFAULTS, **config}
    task = config["task"]
    model = build_model(config["model"])  # the mistake: no torch.manual_seed(config["seed"]) first
    opt = config["optimizer"]
    optimizer = torch.optim.Adam(model.parameters(), lr=opt["lr"], weight_decay=opt.get("weight_decay", 0.0))
    X, y = data["train"]
    losses = []
    for epoch in range(config["epochs"]):
        model.train()
        total = 0.0
        for xb, yb in fast_batches(X, y, config["batch_size"], shuffle=True, seed=config["seed"] * 1000 + epoch):
            optimizer.zero_grad()
            loss = _loss(task, model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        losses.append(total / len(X))
    model.eval()
    return {"losses": np.array(losses), "metric": _metric(task, model, *data["val"]), "model": model}
