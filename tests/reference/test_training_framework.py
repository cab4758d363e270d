"""The training-framework reference against torch.utils.data.DataLoader, NumPy and hand-built torch modules."""

import json

import numpy as np
import pytest
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

from reference_impls.torch import training_framework as tf


def _write(root, rng):
    x1, y1 = rng.standard_normal((4, 3)), rng.integers(0, 5, 4)
    x2, y2 = rng.standard_normal((3, 3)).round(4), rng.integers(0, 5, 3)
    np.save(root / "a.x.npy", x1)
    np.save(root / "a.y.npy", y1)
    np.savetxt(root / "b.csv", np.column_stack([x2, y2]), delimiter=",", fmt="%.6f")
    return np.concatenate([x1, x2]).astype(np.float32), np.concatenate([y1, y2])


def test_shard_dataset_matches_the_concatenated_shards_through_a_dataloader(tmp_path):
    X, y = _write(tmp_path, np.random.default_rng(0))
    ds = tf.ShardDataset(str(tmp_path), transform=lambda x: x * 2)
    xb, yb = next(iter(DataLoader(ds, batch_size=len(ds))))
    np.testing.assert_allclose(xb.numpy(), X * 2, rtol=1e-6)
    np.testing.assert_array_equal(yb.numpy(), y)
    assert yb.dtype == torch.int64 and xb.dtype == torch.float32
    np.testing.assert_allclose(ds[-1][0].numpy(), X[-1] * 2, rtol=1e-6)
    with pytest.raises(IndexError):
        ds[len(ds)]


def test_shard_dataset_reads_files_lazily(tmp_path):
    _write(tmp_path, np.random.default_rng(1))
    ds = tf.ShardDataset(str(tmp_path))
    X, _ = _write(tmp_path, np.random.default_rng(2))  # rewritten after __init__
    np.testing.assert_allclose(torch.stack([ds[i][0] for i in range(len(ds))]).numpy(), X, rtol=1e-6)


@pytest.mark.parametrize("n, batch_size, shuffle", [(103, 16, True), (40, 8, False), (5, 16, True)])
def test_fast_batches_equal_dataloaders_batches(n, batch_size, shuffle):
    X, y = torch.randn(n, 4), torch.randint(0, 9, (n,))
    order = torch.randperm(n, generator=torch.Generator().manual_seed(3)).tolist() if shuffle else None
    expected = list(DataLoader(TensorDataset(X, y), batch_size, sampler=order))
    got = tf.fast_batches(X, y, batch_size, shuffle, seed=3)
    assert len(got) == len(expected)
    for (a, b), (c, d) in zip(got, expected):
        assert torch.equal(a, c) and torch.equal(b, d)


def test_build_model_equals_hand_built_modules():
    torch.manual_seed(0)
    mlp = tf.build_model({"type": "mlp", "in_features": 4, "hidden": [8], "out_features": 2, "activation": "gelu"})
    torch.manual_seed(0)
    hand = nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.Linear(8, 2))
    x = torch.randn(3, 4)
    torch.testing.assert_close(mlp(x), hand(x))
    cnn = tf.build_model({"type": "cnn", "in_channels": 1, "channels": [4, 8], "num_classes": 10})
    assert cnn(torch.randn(2, 1, 8, 8)).shape == (2, 10)
    assert sum(p.numel() for p in cnn.parameters()) == (4 * 9 + 4) + (8 * 4 * 9 + 8) + (8 * 10 + 10)
    with pytest.raises(ValueError):
        tf.build_model({"type": "rnn"})


def test_config_round_trip_defaults_and_typos(tmp_path):
    config = {"task": "regression", "model": {"type": "lm", "vocab_size": 3, "n_embd": 2}, "seed": 3, "epochs": 1}
    tf.save_config(config, tmp_path / "c.json")
    assert tf.load_config(tmp_path / "c.json") == {**tf.DEFAULTS, **config}
    (tmp_path / "typo.json").write_text(json.dumps({**config, "epoch": 2}))
    with pytest.raises(KeyError):
        tf.load_config(tmp_path / "typo.json")


def test_run_experiment_is_reproducible_and_learns():
    from reference_impls.exercises.training_framework import EXPERIMENTS, THRESHOLDS, _task_data

    for task, config in EXPERIMENTS.items():
        data = _task_data(task, 5)
        a = tf.run_experiment({**config, "seed": 1}, data)
        metric = a["metric"]
        assert metric <= THRESHOLDS[task] if task == "regression" else metric >= THRESHOLDS[task]
        if task == "classification":
            b = tf.run_experiment({**config, "seed": 1}, data)
            c = tf.run_experiment({**config, "seed": 2}, data)
            np.testing.assert_array_equal(a["losses"], b["losses"])
            assert not np.array_equal(a["losses"], c["losses"])
            # the metric is what sklearn's accuracy_score would give: the argmax against the labels
            with torch.no_grad():
                pred = a["model"](data["val"][0]).argmax(1).numpy()
            assert metric == pytest.approx(float(np.mean(pred == data["val"][1].numpy())))
