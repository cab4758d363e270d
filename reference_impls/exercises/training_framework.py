"""Exercise: module 0.8's training framework at a CPU's scale: a lazy sharded dataset, a fast loader, a model
factory, configs, reproducible experiments on three tasks.

The dataset is checked on shards the check writes to a temporary folder (two formats), then rewrites
after the dataset is built: a lazy dataset reads the new values, one that loaded everything in
__init__ the old. The loader's batches must equal DataLoader's, and its speed-up over DataLoader is
measured in the same run, as a ratio of medians. The experiments are judged on thresholds and on
reproducibility (the same config twice: the same losses, bit for bit), not on the reference's numbers.
"""

import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe

# Over DataLoader(TensorDataset): indexing X[idx] gets 14-50x, a DataLoader over batch indices ~3.5x (2.8x on a
# loaded machine), the per-sample DataLoader itself 1x.
SPEEDUP_REQUIRED = 2.0
REPEATS = 3
THRESHOLDS = {"classification": 0.9, "regression": 0.05, "generation": 0.95}  # accuracy, MSE, token accuracy


# -- the dataset ------------------------------------------------------------------------------------------------


def _shard_values(rows, features, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((rows, features)).round(3), rng.integers(0, 5, rows)


def _write_shards(root, layout, seed, offset=0.0):
    """Writes each (name, format, rows) shard of `layout` under root; `offset` shifts every feature."""
    for k, (name, kind, rows) in enumerate(layout):
        x, y = _shard_values(rows, 3, seed + k)
        x = x + offset
        if kind == "npy":
            np.save(root / f"{name}.x.npy", x)
            np.save(root / f"{name}.y.npy", y)
        else:
            np.savetxt(root / f"{name}.csv", np.column_stack([x, y]), delimiter=",", fmt="%.6f")


TRANSFORMS = {None: None, "standardize": lambda x: (x - 0.25) / 2.0}


def dataset_cases():
    yield Case(
        "npy_and_csv",
        (),
        {"layout": [("a", "npy", 5), ("b", "csv", 4), ("c", "npy", 3)], "transform": None},
        seed=1800,
        note="three shards in sorted name order, the CSV between two .npy pairs",
    )
    yield Case(
        "transform",
        (),
        {"layout": [("part0", "npy", 6), ("part1", "csv", 2)], "transform": "standardize"},
        seed=1810,
        note="transform=lambda x: (x - 0.25) / 2 applied to each sample's features",
    )
    yield Case(
        "csv_of_one_row",
        (),
        {"layout": [("only", "csv", 1), ("zz", "npy", 2)], "transform": None},
        seed=1820,
        note="a CSV with a single line: np.loadtxt gives a 1-D array unless ndmin=2",
    )


def _dataset(impl, layout, transform):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write_shards(root, layout, 0)
        ds = impl.ShardDataset(str(root), transform=TRANSFORMS[transform])
        _write_shards(root, layout, 0, offset=10.0)  # after __init__: a lazy dataset reads these
        n = len(ds)
        items = [ds[i] for i in range(n)]
        last = ds[-1]
        try:
            ds[n]
            past_end = "no error"
        except IndexError:
            past_end = "IndexError"
    return {
        "len": np.int64(n),
        "x": np.stack([np.asarray(x, dtype=np.float32) for x, _ in items]),
        "y": np.array([int(y) for _, y in items], np.int64),
        "last_x": np.asarray(last[0], dtype=np.float32),
        "x_dtypes": sorted({str(getattr(x, "dtype", type(x).__name__)) for x, _ in items}),
        "past_end": past_end,
    }


# -- the loader and its speed ---------------------------------------------------------------------------------


def _tensors(n, d, seed):
    import torch

    rng = np.random.default_rng(seed)
    return torch.from_numpy(rng.standard_normal((n, d)).astype(np.float32)), torch.from_numpy(rng.integers(0, 10, n))


def batch_cases():
    yield Case("shuffled_tail", (), {"n": 103, "batch_size": 16, "shuffle": True, "seed": 3}, note="a last batch of 7")
    yield Case("in_order", (), {"n": 40, "batch_size": 8, "shuffle": False, "seed": 0})
    yield Case("batch_larger_than_data", (), {"n": 5, "batch_size": 16, "shuffle": True, "seed": 11})


def _batches(impl, n, batch_size, shuffle, seed):
    X, y = _tensors(n, 4, seed)
    return [
        (np.asarray(xb), np.asarray(yb))
        for xb, yb in impl.fast_batches(X.clone(), y.clone(), batch_size, shuffle, seed)
    ]


def speed_cases():
    yield Case("4096_samples", (), {"n": 4096, "batch_size": 64}, note="timed against DataLoader(TensorDataset(X, y))")


def _speed(impl, n, batch_size):
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    X, y = _tensors(n, 32, 5)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # less noise on a shared machine: the ratio is what counts
    try:

        def slow():
            order = torch.randperm(len(X), generator=torch.Generator().manual_seed(7)).tolist()
            return list(DataLoader(TensorDataset(X, y), batch_size, sampler=order))

        def fast():
            return list(impl.fast_batches(X, y, batch_size, True, 7))

        slow_s, fast_s = [], []
        for _ in range(REPEATS):  # interleaved, so a burst of load hits both
            t0 = time.process_time()
            expected = slow()
            slow_s.append(time.process_time() - t0)
            t0 = time.process_time()
            got = fast()
            fast_s.append(time.process_time() - t0)
    finally:
        torch.set_num_threads(threads)
    same = len(got) == len(expected) and all(
        torch.equal(a, c) and torch.equal(b, d) for (a, b), (c, d) in zip(got, expected)
    )
    slow_m, fast_m = statistics.median(slow_s), statistics.median(fast_s)
    return {"same_batches": same, "speedup": slow_m / max(fast_m, 1e-6), "slow_s": slow_m, "fast_s": fast_m}


def _judge_speed(expected, actual, case):
    if not actual["same_batches"]:
        return "the batches differ from DataLoader(TensorDataset(X, y), batch_size, sampler=order)'s (see the task)"
    if actual["speedup"] >= SPEEDUP_REQUIRED:
        return None
    return (
        f"speed-up {actual['speedup']:.1f}x (DataLoader {actual['slow_s'] * 1e3:.1f} ms, yours "
        f"{actual['fast_s'] * 1e3:.1f} ms CPU): at least {SPEEDUP_REQUIRED}x needed"
    )


# -- the model factory --------------------------------------------------------------------------------------------

MODEL_CONFIGS = {
    "mlp_gelu": ({"type": "mlp", "in_features": 6, "hidden": [16, 8], "out_features": 3, "activation": "gelu"}, (5, 6)),
    "mlp_no_hidden": ({"type": "mlp", "in_features": 4, "hidden": [], "out_features": 2}, (3, 4)),
    "mlp_dropout": (
        {"type": "mlp", "in_features": 4, "hidden": [12], "out_features": 1, "activation": "tanh", "dropout": 0.5},
        (7, 4),
    ),
    "cnn": ({"type": "cnn", "in_channels": 1, "channels": [4, 8], "num_classes": 10}, (2, 1, 8, 8)),
    "cnn_kernel_5": (
        {"type": "cnn", "in_channels": 2, "channels": [3], "num_classes": 4, "kernel_size": 5},
        (2, 2, 6, 6),
    ),
    "lm": ({"type": "lm", "vocab_size": 7, "n_embd": 5}, (2, 6)),
}


def model_cases():
    notes = {
        "mlp_no_hidden": "hidden=[]: a single Linear, no activation",
        "mlp_dropout": "dropout after each hidden activation; compared in eval mode",
        "cnn": "kernel_size left to its default, 3 (padding 1): conv - ReLU - maxpool 2, twice; global average pool",
        "cnn_kernel_5": "kernel_size 5: padding 2 keeps the size",
    }
    for k, name in enumerate(MODEL_CONFIGS):
        yield Case(name, (), {"name": name}, seed=1900 + k, note=notes.get(name, ""))
    yield Case("unknown_type", (), {"name": "unknown"}, note="{'type': 'transformer'}: a ValueError", zero_ok=True)


def _model(impl, name):
    import torch

    from reference_impls.torch.training_framework import build_model

    if name == "unknown":
        try:
            impl.build_model({"type": "transformer"})
        except ValueError:
            return "ValueError"
        return "no error"
    config, shape = MODEL_CONFIGS[name]
    torch.manual_seed(0)
    reference = build_model(dict(config))
    model = impl.build_model(dict(config))
    shapes = [tuple(p.shape) for p in model.parameters()]
    wanted = [tuple(p.shape) for p in reference.parameters()]
    if shapes != wanted:
        raise ValueError(f"parameter shapes {shapes}, in registration order; expected {wanted}")
    with torch.no_grad():
        for p, q in zip(model.parameters(), reference.parameters()):
            p.copy_(q)  # the same weights, so only the architecture decides the output
        model.eval()
        gen = torch.Generator().manual_seed(1)
        x = torch.randint(0, 7, shape, generator=gen) if config["type"] == "lm" else torch.randn(shape, generator=gen)
        dropout = [float(m.p) for m in model.modules() if isinstance(m, torch.nn.Dropout)]
        return {"output": np.asarray(model(x), dtype=np.float32), "dropout_p": dropout}


# -- the configs ------------------------------------------------------------------------------------------------

FULL_CONFIG = {
    "task": "regression",
    "seed": 4,
    "model": {"type": "mlp", "in_features": 4, "hidden": [16], "out_features": 1, "activation": "tanh"},
    "optimizer": {"name": "sgd", "lr": 0.05, "weight_decay": 1e-4},
    "epochs": 3,
    "batch_size": 8,
}


def config_cases():
    yield Case("round_trip", (), {"which": "round_trip"}, note="save_config then load_config: the same dict")
    yield Case("defaults_filled", (), {"which": "partial"}, note="only task and model given: the rest from DEFAULTS")
    yield Case("unknown_key", (), {"which": "typo"}, note="'epoch' for 'epochs': a KeyError, not the default")
    yield Case("missing_model", (), {"which": "no_model"}, note="no 'model': a KeyError")


def _config(impl, which):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.json"
        if which == "round_trip":
            impl.save_config(json.loads(json.dumps(FULL_CONFIG)), str(path))
        else:
            given = {"partial": {"task": "classification", "model": FULL_CONFIG["model"]}}.get(which)
            if which == "typo":
                given = {"task": "regression", "model": FULL_CONFIG["model"], "epoch": 5}
            if which == "no_model":
                given = {"task": "regression", "epochs": 2}
            path.write_text(json.dumps(given))
        try:
            return json.dumps(impl.load_config(str(path)), sort_keys=True)
        except KeyError:
            return "KeyError"


# -- the experiments ----------------------------------------------------------------------------------------------


def _task_data(task, seed):
    """{"train": (X, y), "val": (X, y)} for a small generated task."""
    import torch

    rng = np.random.default_rng(seed)
    if task == "classification":  # three Gaussian blobs in 2-D
        centers = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
        y = rng.integers(0, 3, 360)
        X = (centers[y] + 0.6 * rng.standard_normal((360, 2))).astype(np.float32)
    elif task == "regression":  # y = sin(x0) + x1 / 2 + noise
        X = rng.uniform(-2, 2, (360, 2)).astype(np.float32)
        y = (np.sin(X[:, 0]) + X[:, 1] / 2 + 0.05 * rng.standard_normal(360)).astype(np.float32)
    else:  # sequences following a fixed random successor map over 8 tokens
        succ = rng.permutation(8)
        seq = np.empty((360, 9), np.int64)
        seq[:, 0] = rng.integers(0, 8, 360)
        for t in range(1, 9):
            seq[:, t] = succ[seq[:, t - 1]]
        X, y = seq[:, :-1], seq[:, 1:]
    X, y = torch.from_numpy(np.ascontiguousarray(X)), torch.from_numpy(np.ascontiguousarray(y))
    return {"train": (X[:240], y[:240]), "val": (X[240:], y[240:])}


EXPERIMENTS = {
    "classification": {
        "task": "classification",
        "model": {"type": "mlp", "in_features": 2, "hidden": [16], "out_features": 3},
        "epochs": 5,
    },
    "regression": {
        "task": "regression",
        "model": {"type": "mlp", "in_features": 2, "hidden": [32], "out_features": 1, "activation": "tanh"},
        "optimizer": {"name": "adam", "lr": 3e-2, "weight_decay": 0.0},
        "epochs": 12,
    },
    "generation": {
        "task": "generation",
        "model": {"type": "lm", "vocab_size": 8, "n_embd": 8},
        "optimizer": {"name": "adam", "lr": 5e-2, "weight_decay": 0.0},
        "epochs": 5,
    },
}
REPEATED = "classification"  # the task run three times: the same seed twice, then another seed


def experiment_cases():
    notes = {
        "classification": "three Gaussian blobs, an MLP, cross-entropy: validation accuracy; run with seed 1 twice "
        "(identical losses expected) and with seed 2 (different ones)",
        "regression": "y = sin(x0) + x1 / 2 + noise, MSE: validation MSE",
        "generation": "next-token prediction on token sequences (X (N, 8), Y = X shifted): token accuracy",
    }
    for k, task in enumerate(EXPERIMENTS):
        yield Case(task, (), {"task": task}, seed=2000 + k, note=notes[task])


def _experiment(impl, task):
    data = _task_data(task, 2000 + list(EXPERIMENTS).index(task))
    config = json.loads(json.dumps({**EXPERIMENTS[task], "seed": 1}))
    first = impl.run_experiment(json.loads(json.dumps(config)), data)
    losses = np.asarray(first["losses"], dtype=np.float64)
    found = {
        "metric": float(first["metric"]),
        "epochs": len(losses),
        "falls": bool(len(losses) > 1 and losses[-1] < losses[0]),
    }
    if task == REPEATED:
        again = impl.run_experiment(json.loads(json.dumps(config)), data)
        other = impl.run_experiment({**json.loads(json.dumps(config)), "seed": 2}, data)
        found["repeatable"] = bool(np.array_equal(losses, np.asarray(again["losses"], dtype=np.float64)))
        found["seed_matters"] = not np.array_equal(losses, np.asarray(other["losses"], dtype=np.float64))
    return found


def exact_cases():
    yield Case(
        "sgd_two_epochs_short_batch",
        (),
        {"epochs": 2, "seed": 3},
        seed=2100,
        note="20 rows in batches of 7 (a short last one), SGD without weight_decay: the losses and the "
        "trained model equal the reference's",
    )


def _exact(impl, epochs, seed):
    """The losses and the validation logits of a tiny run: the prescribed seeding, batches and loss, exactly."""
    import torch

    data = _task_data("classification", 2100)
    small = {"train": (data["train"][0][:20], data["train"][1][:20]), "val": data["val"]}
    config = {
        "task": "classification",
        "model": {"type": "mlp", "in_features": 2, "hidden": [5], "out_features": 3},
        "optimizer": {"name": "sgd", "lr": 0.5},
        "epochs": epochs,
        "batch_size": 7,
        "seed": seed,
    }
    out = impl.run_experiment(config, small)
    model = out["model"]
    model.eval()
    with torch.no_grad():
        logits = model(small["val"][0][:6])
    return {"losses": np.asarray(out["losses"], dtype=np.float64), "val_logits": np.asarray(logits, np.float32)}


def _judge_experiment(expected, actual, case):
    task = case.kwargs["task"]
    wanted = EXPERIMENTS[task]["epochs"]
    if actual["epochs"] != wanted:
        return f"{actual['epochs']} losses: one mean training loss per epoch ({wanted}) expected"
    if not actual.get("repeatable", True):
        return "the same config twice gave different losses: seed torch from config['seed'] before building the model"
    if not actual.get("seed_matters", True):
        return "a different config['seed'] gave the same losses: the seed must drive the init and the shuffling"
    if not actual["falls"]:
        return "the training loss did not fall from the first epoch to the last"
    metric, bound = actual["metric"], THRESHOLDS[task]
    good = metric <= bound if task == "regression" else metric >= bound
    if good:
        return None
    name = "validation MSE" if task == "regression" else "validation accuracy"
    return f"{task}: {name} {metric:.3f}, needs {'<=' if task == 'regression' else '>='} {bound}"


# -- known mistakes ---------------------------------------------------------------------------------------------


def _batches_numpy_order(X, y, batch_size, shuffle=False, seed=0):
    order = np.random.default_rng(seed).permutation(len(X)) if shuffle else np.arange(len(X))
    return [(X[order[i : i + batch_size]], y[order[i : i + batch_size]]) for i in range(0, len(X), batch_size)]


def _batches_drop_last(X, y, batch_size, shuffle=False, seed=0):
    from reference_impls.torch.training_framework import fast_batches

    return [b for b in fast_batches(X, y, batch_size, shuffle, seed) if len(b[0]) == batch_size]


def _not_repeatable(case, actual, expected):
    return isinstance(actual, dict) and actual.get("repeatable") is False


EXERCISE = Exercise.of(
    info("training_framework"),
    preamble=(
        "import json\nimport numpy as np\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
        "from pathlib import Path\n"
    ),
    task=f"""Module 0.8's capstone, a training framework, at a CPU's scale: the pieces its steps name, each checked
on small generated data (run them on your own data afterwards).

1. `ShardDataset(root, transform=None)`, a torch.utils.data.Dataset over a folder of shards in two
   formats: `<stem>.x.npy` with `<stem>.y.npy` (features (n, d), labels (n,)), and `<stem>.csv`
   (comma-separated, the label in the last column). Shards in sorted file-name order. Lazy: __init__
   reads only each shard's length (np.load(path, mmap_mode="r").shape reads the header; count a CSV's
   lines); __getitem__(i) opens the shard holding sample i and returns (x float32 tensor (d,) after
   `transform`, y int64 scalar tensor). Negative indices count from the end; i >= len raises IndexError.
   The check rewrites the files after building the dataset: your samples must show the new values.
2. `fast_batches(X, y, batch_size, shuffle=False, seed=0)`: a list of (xb, yb), the very batches of
   DataLoader(TensorDataset(X, y), batch_size, sampler=order), where order = torch.randperm(n,
   generator=torch.Generator().manual_seed(seed)) when shuffling, else 0 .. n-1 (the last batch may
   be short), but each fetched by one index of X and y instead of a per-sample __getitem__ and
   collate. The check times both in the same run (CPU time, median of
   {REPEATS}, one thread) and needs a speed-up of {SPEEDUP_REQUIRED}x or more.
3. `build_model(config)`: an nn.Sequential from a dict. "mlp": Linear layers in_features -> each of
   `hidden` -> out_features, with `activation` ("relu", the default, "gelu" or "tanh") after every
   hidden Linear, then nn.Dropout(config["dropout"]) if it is given and > 0. "cnn": per entry c of
   `channels`, Conv2d(c_in, c, kernel_size (3 by default), padding=kernel_size // 2), ReLU,
   MaxPool2d(2); then AdaptiveAvgPool2d(1), Flatten, Linear(last c, num_classes). "lm":
   Embedding(vocab_size, n_embd), Linear(n_embd, vocab_size). Another type: ValueError. The check
   copies the reference's weights into yours in parameters() order and compares outputs in eval mode.
4. `save_config(config, path)` (JSON) and `load_config(path)`: the dict back, with the optional keys
   it lacks filled from DEFAULTS = {{"seed": 0, "optimizer": {{"name": "adam", "lr": 1e-2,
   "weight_decay": 0.0}}, "epochs": 10, "batch_size": 32}}; "task" and "model" are required; a
   missing required key or any other key raises KeyError (a typo must not fall back to a default).
5. `run_experiment(config, data)`: data = {{"train": (X, y), "val": (X, y)}}; the config's optional keys
   default as above. torch.manual_seed(config["seed"]) first, then build_model(config["model"]), the
   optimizer ("adam", "adamw" or "sgd" with lr and weight_decay, 0 when the optimizer dict has none),
   `epochs` epochs, epoch e (from 0) on the batches fast_batches(X, y, batch_size, shuffle=True,
   seed=config["seed"] * 1000 + e), the model in train mode. The loss by `task`: "classification" cross-entropy, "regression" MSE of
   the (N, 1) output squeezed, "generation" next-token cross-entropy (X (N, T) tokens, y (N, T) the
   next tokens, logits (N, T, V)). Return {{"losses": each epoch's mean training loss over its samples
   (each batch's mean loss weighted by the batch's size: a short last batch counts less), "metric":
   on data["val"] in eval mode: accuracy, MSE, or per-token accuracy, "model": the model}}.
   Checked on three generated tasks: accuracy >= {THRESHOLDS["classification"]}, MSE <=
   {THRESHOLDS["regression"]}, token accuracy >= {THRESHOLDS["generation"]}; the same config twice
   must give identical losses, another seed different ones (checked on the classification task). A
   tiny SGD run is compared with the reference's: its losses and trained model, exactly.

The reference: reference_impls/torch/training_framework.py.""",
    entry_points=(
        EntryPoint(
            "ShardDataset",
            "(self, root, transform=None)",
            "A lazy Dataset over <stem>.x.npy / <stem>.y.npy pairs and <stem>.csv files (label last).",
            kind="class",
            base="torch.utils.data.Dataset",
            methods=(
                EntryPoint("__len__", "(self)", "The number of samples over all shards."),
                EntryPoint("__getitem__", "(self, index)", "(x float32 (d,) after transform, y int64 scalar)."),
            ),
        ),
        EntryPoint(
            "fast_batches",
            "(X, y, batch_size, shuffle=False, seed=0)",
            "[(xb, yb), ...]: DataLoader(TensorDataset(X, y), batch_size, sampler=order)'s batches, one index each.",
        ),
        EntryPoint("build_model", "(config)", "An nn.Sequential for a 'mlp', 'cnn' or 'lm' config dict."),
        EntryPoint("save_config", "(config, path)", "Write the config dict to `path` as JSON."),
        EntryPoint("load_config", "(path)", "The config at `path`, defaults filled; KeyError on unknown/missing keys."),
        EntryPoint(
            "run_experiment",
            "(config, data)",
            '{"losses": per-epoch training losses, "metric": the validation metric, "model": the model}.',
        ),
    ),
    checks=(
        Check(
            "dataset",
            "ShardDataset",
            dataset_cases,
            call=_dataset,
            description="npy and CSV shards rewritten after __init__ (lazy), a transform, a one-row CSV, index -1 and len",
        ),
        Check(
            "fast_batches",
            "fast_batches",
            batch_cases,
            call=_batches,
            description="shuffled with a short last batch, in order, a batch larger than the data",
        ),
        Check(
            "throughput",
            "fast_batches",
            speed_cases,
            call=_speed,
            compare=_judge_speed,
            reference_output=False,
            description=f"DataLoader's batches, >= {SPEEDUP_REQUIRED}x faster, measured in the same run",
        ),
        Check(
            "build_model",
            "build_model",
            model_cases,
            call=_model,
            description="MLPs (GELU, no hidden layer, tanh with dropout), a CNN, an LM, an unknown type",
        ),
        Check(
            "config",
            "load_config",
            config_cases,
            call=_config,
            description="a JSON round trip, defaults filled, an unknown key and a missing one",
        ),
        Check(
            "experiments",
            "run_experiment",
            experiment_cases,
            call=_experiment,
            compare=_judge_experiment,
            reference_output=False,
            description="classification, regression, generation: thresholds; the same config gives the same losses",
        ),
        Check(
            "experiment_exact",
            "run_experiment",
            exact_cases,
            call=_exact,
            tolerance={"float32": (1e-4, 1e-6), "float64": (1e-5, 1e-7)},
            description="a tiny SGD run (20 rows, batches of 7): the losses and the trained model, exactly",
        ),
    ),
    probes=(
        Probe(
            "the samples did not change when the files did: the data was read in __init__. Read only the shard "
            "lengths there and open the shard in __getitem__ (np.load(path, mmap_mode='r')[row])",
            impl="wrong/training_framework/eager_dataset.py",
            checks=("dataset",),
        ),
        Probe(
            "the order differs from DataLoader's: shuffle with torch.randperm(n, generator=torch.Generator()"
            ".manual_seed(seed)), not NumPy's permutation",
            impl={"fast_batches": _batches_numpy_order},
            checks=("fast_batches",),
        ),
        Probe(
            "the last, shorter batch is missing: DataLoader keeps it (drop_last=False)",
            impl={"fast_batches": _batches_drop_last},
            checks=("fast_batches",),
        ),
        Probe(
            "the same config gave different losses: call torch.manual_seed(config['seed']) before building the "
            "model, and seed the shuffling from the config too",
            when=_not_repeatable,
            checks=("experiments",),
        ),
        Probe(
            "the activation also follows the last Linear: the output layer stays linear",
            impl="wrong/training_framework/activation_on_output.py",
            checks=("build_model",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "save_config",
            "indent=2",
            "indent=3",
            "the task asks JSON, not a layout: any indentation reads back the same dict",
        ),
        Equivalent(
            "save_config",
            "indent=2",
            "indent=1",
            "the task asks JSON, not a layout: any indentation reads back the same dict",
        ),
        Equivalent(
            "save_config",
            "sort_keys=True",
            "sort_keys=False",
            "the order of the keys in the file is free: load_config returns the same dict",
        ),
    ),
)
