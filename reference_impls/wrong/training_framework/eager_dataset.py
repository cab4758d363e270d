"""Wrong: reads every shard into memory in __init__, so the dataset is not lazy (and shows stale files)."""

import numpy as np
import torch

from reference_impls.torch.training_framework import (  # noqa: F401
    _shards,
    build_model,
    fast_batches,
    load_config,
    run_experiment,
    save_config,
)

EXPECTED_HINT = "the data was read in __init__"


class ShardDataset(torch.utils.data.Dataset):
    def __init__(self, root, transform=None):
        xs, ys = [], []
        for kind, path in _shards(root):  # the mistake: every shard loaded here, not in __getitem__
            if kind == "npy":
                xs.append(np.load(path))
                ys.append(np.load(path.with_name(path.name[: -len(".x.npy")] + ".y.npy")))
            else:
                values = np.loadtxt(path, delimiter=",", ndmin=2)
                xs.append(values[:, :-1])
                ys.append(values[:, -1])
        self.x = torch.tensor(np.concatenate(xs), dtype=torch.float32)
        self.y = torch.tensor(np.concatenate(ys), dtype=torch.int64)
        self.transform = transform

    def __len__(self):
        return len(self.y)

    def __getitem__(self, index):
        x = self.x[index]
        return (self.transform(x) if self.transform else x), self.y[index]
