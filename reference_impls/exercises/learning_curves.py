"""Exercise: module 0.2's step 7, learning curves and a learning-rate sweep as data, for the NumPy MLP on digits."""

from functools import cache

import numpy as np

from reference_impls.catalog import info
from reference_impls.data import digits_split
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe

N_TRAIN = 600  # the first 600 training images: the curves take a tenth of a second


@cache
def _data():
    X_train, y_train, X_val, y_val = digits_split()
    X_train = X_train.reshape(-1, 64).astype(np.float64)[:N_TRAIN]
    return X_train, y_train[:N_TRAIN], X_val.reshape(-1, 64).astype(np.float64), y_val


def curve_cases():
    yield Case("defaults", (), {"kwargs": {}}, note="64 - 32 - 10, 6 epochs, lr 0.1, batches of 32, seed 0")
    yield Case(
        "two_hidden_layers_small_lr",
        (),
        {"kwargs": {"sizes": (64, 24, 16, 10), "epochs": 3, "lr": 0.02, "batch_size": 50, "seed": 4}},
        note="a learning rate too small: the training loss falls slowly",
    )
    yield Case(
        "one_epoch_one_batch",
        (),
        {"kwargs": {"epochs": 1, "batch_size": N_TRAIN, "seed": 2}},
        note="one full-batch step: a single point on each curve",
    )
    yield Case(
        "last_batch_of_one_row",
        (),
        {"kwargs": {"epochs": 1, "batch_size": N_TRAIN - 1, "seed": 5}},
        note="600 rows in batches of 599: the last batch, one row, is a step too",
    )
    yield Case(
        "raw_pixels_diverging",
        (),
        {"kwargs": {"epochs": 2, "lr": 1.0, "batch_size": N_TRAIN}, "pixel_scale": 16.0},
        note="pixels 0..16 unscaled, full-batch lr 1.0: logits in the thousands, the losses must stay finite",
    )


def _float64(values):
    """A list of floats as a float64 array; an array as it is (its dtype is checked: the task asks float64)."""
    return values if isinstance(values, np.ndarray) else np.asarray(values, dtype=np.float64)


def _curves(impl, kwargs, pixel_scale=1.0):
    X, y, X_val, y_val = _data()
    X, X_val = X * pixel_scale, X_val * pixel_scale
    params, curves = impl.train_with_curves(X, y.copy(), X_val, y_val.copy(), **kwargs)
    out = {k: _float64(curves[k]) for k in ("train_loss", "val_loss", "val_accuracy")}
    out["params"] = [(np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)) for W, b in params]
    return out


def sweep_cases():
    yield Case(
        "four_learning_rates",
        (),
        {"lrs": [0.001, 0.1, 0.5, 5.0], "epochs": 2},
        note="too small, good, better, too large (5.0 ends near chance)",
    )
    yield Case("one_rate_seed_3", (), {"lrs": [0.2], "epochs": 2, "seed": 3})


def _sweep(impl, lrs, epochs, seed=0):
    X, y, X_val, y_val = _data()
    with np.errstate(over="ignore", invalid="ignore"):
        return _float64(impl.lr_sensitivity(X.copy(), y.copy(), X_val.copy(), y_val.copy(), lrs, epochs, seed))


# -- known mistakes ---------------------------------------------------------------------------------------------


def _curves_before_epoch(case, actual, expected):
    """The losses were recorded before each epoch's steps: the learner's first entry is the untrained net's."""
    if not isinstance(actual, dict) or not isinstance(expected, dict) or len(actual["train_loss"]) < 2:
        return False
    return np.allclose(actual["train_loss"][1:], expected["train_loss"][:-1], rtol=1e-6)


def _curves_last_batch(case, actual, expected):
    """The training curve holds the last mini-batch's loss, not the loss over the whole training set."""
    if not isinstance(actual, dict) or not isinstance(expected, dict):
        return False
    return np.allclose(actual["val_loss"], expected["val_loss"], rtol=1e-6) and not np.allclose(
        actual["train_loss"], expected["train_loss"], rtol=1e-3
    )


def _accuracy_in_percent(case, actual, expected):
    try:
        a, e = np.asarray(actual["val_accuracy"], float), np.asarray(expected["val_accuracy"], float)
        return a.shape == e.shape and np.any(e > 0) and np.allclose(a, 100 * e, rtol=1e-6)
    except (TypeError, KeyError, ValueError):
        return False


def _sweep_best_epoch(X, y, X_val, y_val, lrs, epochs=3, seed=0):
    from reference_impls.numpy.learning_curves import train_with_curves

    scores = []
    for lr in lrs:
        with np.errstate(over="ignore", invalid="ignore"):
            scores.append(
                train_with_curves(X, y, X_val, y_val, epochs=epochs, lr=lr, seed=seed)[1]["val_accuracy"].max()
            )
    return np.array(scores, dtype=np.float64)


EXERCISE = Exercise.of(
    info("learning_curves"),
    preamble="import numpy as np\n",
    task="""Module 0.2's step 7: learning curves and a hyperparameter sensitivity analysis. Plot them as you like;
the check reads the numbers. On the shipped 8x8 digits (the checks pass the first 600 training images
as float64 (N, 64) rows in [0, 1], labels int64; the 359 held-out images as the validation set; one
case passes the pixels unscaled, 0..16, with a learning rate that diverges: compute the cross-entropy
stably, each row's max subtracted before exp, so the losses stay finite).

1. `train_with_curves(X, y, X_val, y_val, sizes=(64, 32, 10), epochs=6, lr=0.1, batch_size=32,
   seed=0)`: module 0.2's MLP (ReLU between layers, softmax cross-entropy, mini-batch SGD; write
   your forward and backward from the digits_mlp exercise). Exactly this order of random draws, so
   the curves can be compared: rng = np.random.default_rng(seed); per layer W =
   rng.standard_normal((in, out)) * sqrt(2 / in), b = zeros(out); then each epoch order =
   rng.permutation(N) and one SGD step per consecutive batch of it. After each epoch record, with
   the current parameters, the mean cross-entropy over ALL training rows, the same on the
   validation set, and the validation accuracy. Return (params [(W, b), ...], {"train_loss",
   "val_loss", "val_accuracy"}: float64 arrays of length epochs).
2. `lr_sensitivity(X, y, X_val, y_val, lrs, epochs=3, seed=0)`: for each learning rate, a fresh run
   of train_with_curves with that lr, `epochs` and `seed` (defaults otherwise); the final validation
   accuracy per lr as a float64 array. Every run starts from the same seed: only the lr differs.

The reference: reference_impls/numpy/learning_curves.py.""",
    entry_points=(
        EntryPoint(
            "train_with_curves",
            "(X, y, X_val, y_val, sizes=(64, 32, 10), epochs=6, lr=0.1, batch_size=32, seed=0)",
            '(params, {"train_loss", "val_loss", "val_accuracy"}): per-epoch curves of the current parameters.',
        ),
        EntryPoint(
            "lr_sensitivity",
            "(X, y, X_val, y_val, lrs, epochs=3, seed=0)",
            "(len(lrs),) float64: the final validation accuracy of a run per learning rate.",
        ),
    ),
    checks=(
        Check(
            "train_with_curves",
            "train_with_curves",
            curve_cases,
            call=_curves,
            tolerance={"float64": (1e-6, 1e-9)},
            description="the defaults, two hidden layers at a small lr, one full-batch epoch: curves and params",
        ),
        Check(
            "lr_sensitivity",
            "lr_sensitivity",
            sweep_cases,
            call=_sweep,
            tolerance={"float64": (1e-6, 1e-9)},
            description="four learning rates from 0.001 to 5.0; one rate with another seed",
        ),
    ),
    probes=(
        Probe(
            "the curves are one epoch late: record them after each epoch's SGD steps, not before",
            when=_curves_before_epoch,
            checks=("train_with_curves",),
        ),
        Probe(
            "the training curve is not the loss of the end-of-epoch parameters over all training rows (the last "
            "mini-batch's loss, or the running mean of the batch losses as Keras' history reports): after the "
            "epoch's steps, evaluate the mean cross-entropy over all training rows",
            when=_curves_last_batch,
            checks=("train_with_curves",),
        ),
        Probe(
            "val_accuracy is a fraction in [0, 1] (the share of correct predictions), not a percentage",
            when=_accuracy_in_percent,
            checks=("train_with_curves",),
        ),
        Probe(
            "lr_sensitivity reports each run's FINAL validation accuracy (val_accuracy[-1]), not its best epoch's",
            impl={"lr_sensitivity": _sweep_best_epoch},
            checks=("lr_sensitivity",),
        ),
        Probe(
            "each learning rate continued from the previous run's parameters or rng: start every run afresh from seed",
            impl="wrong/learning_curves/shared_rng.py",
            checks=("lr_sensitivity",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "train_with_curves",
            "for start in range(0, len(y), batch_size):",
            "len(y) + 1",
            "the extra start adds, when batch_size divides N, an empty batch: its gradients are sums over no rows, "
            "zero, and the step changes nothing",
        ),
        Equivalent(
            "train_with_curves",
            "np.array(v, dtype=np.float64)",
            "np.array(v)",
            "the curves are lists of Python floats: np.array makes them float64 without being told",
        ),
        Equivalent(
            "lr_sensitivity",
            "np.array(scores, dtype=np.float64)",
            "np.array(scores)",
            "the scores are float64 entries of the runs' curves: np.array keeps float64",
        ),
    ),
)
