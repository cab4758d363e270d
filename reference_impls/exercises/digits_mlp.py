"""Exercise: module 0.2's step 5, a 3-layer MLP trained by hand in NumPy on scikit-learn's 8x8 digits."""

from functools import cache

import numpy as np

from reference_impls.catalog import info
from reference_impls.data import digits_split
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe

THRESHOLD = 0.93  # test accuracy after the default training (the reference: ~0.96)


@cache
def _data():
    X_train, y_train, X_test, y_test = digits_split()
    return X_train.reshape(-1, 64).astype(np.float64), y_train, X_test.reshape(-1, 64).astype(np.float64), y_test


def _params(sizes, seed, dtype="float64"):
    rng = np.random.default_rng(seed)
    return [
        ((rng.standard_normal((i, o)) * np.sqrt(2.0 / i)).astype(dtype), (rng.standard_normal(o) * 0.1).astype(dtype))
        for i, o in zip(sizes[:-1], sizes[1:])
    ]


def _images(n, seed, dtype="float64"):
    X = _data()[0]
    return X[np.random.default_rng(seed).choice(len(X), n, replace=False)].astype(dtype)


def forward_cases():
    for k, (sizes, n, dtype, note) in enumerate(
        [
            ((64, 64, 32, 10), 16, "float64", "three weight layers"),
            ((64, 20, 10), 5, "float32", "two layers, float32"),
            ((64, 48, 32, 16, 10), 1, "float64", "four layers, one image"),
        ]
    ):
        seed = 1500 + k
        yield Case(
            f"{len(sizes) - 1}_layers", (_params(sizes, seed, dtype), _images(n, seed, dtype)), seed=seed, note=note
        )


def backward_cases():
    X, y, _, _ = _data()
    for k, (sizes, n, note) in enumerate(
        [
            ((64, 64, 32, 10), 32, "a batch of 32"),
            ((64, 20, 10), 7, "two layers, a batch of 7"),
            ((64, 48, 32, 16, 10), 1, "four layers, one image: no batch to average over"),
        ]
    ):
        seed = 1600 + k
        idx = np.random.default_rng(seed).choice(len(y), n, replace=False)
        yield Case(f"{len(sizes) - 1}_layers_batch_{n}", (_params(sizes, seed), X[idx], y[idx]), seed=seed, note=note)


def backward_edge_cases():
    """Rows whose logits are ~1e3 apart (a max over the whole batch, or none, overflows / underflows), and a
    blank image through zero biases (the task's init): pre-activations exactly 0, where ReLU's derivative is 0."""
    X, y, _, _ = _data()
    idx = np.random.default_rng(1610).choice(len(y), 4, replace=False)
    params = _params((64, 32, 10), 1610)
    params[-1] = (params[-1][0] * 200.0, params[-1][1])
    yield Case(
        "rows_at_different_scales",
        (params, X[idx] * np.array([[4.0], [1.0], [0.01], [0.0001]]), y[idx]),
        seed=1610,
        note="logits of size ~1e3 in one row and ~1e-2 in another: subtract each row's own max",
    )
    params = [(W, np.zeros_like(b)) for W, b in _params((64, 24, 16, 10), 1611)]
    Xb = X[idx].copy()
    Xb[1] = 0.0
    yield Case(
        "blank_image_zero_biases",
        (params, Xb, y[idx]),
        seed=1611,
        note="one blank image and zero biases: its pre-activations are exactly 0 (ReLU's derivative there is 0)",
    )


def train_cases():
    yield Case("defaults_seed_0", (), note="the defaults; the check measures accuracy on 359 held-out images")


def _backward(impl, params, X, y):
    loss, grads = impl.backward(params, X, y)
    return {"loss": np.float64(loss), "grads": [(np.asarray(dW), np.asarray(db)) for dW, db in grads]}


def _train(impl):
    from reference_impls.numpy.digits_mlp import forward

    X, y, X_test, y_test = _data()
    params = impl.train(X.copy(), y.copy())
    accuracy = float(
        (forward([(np.asarray(W), np.asarray(b)) for W, b in params], X_test).argmax(axis=1) == y_test).mean()
    )
    return {"accuracy": accuracy, "layers": len(params)}


def train_steps_cases():
    X, y, _, _ = _data()
    for k, (n, batch_size, epochs) in enumerate([(9, 1, 1), (9, 4, 1)]):
        seed = 1700 + k
        i = np.random.default_rng(seed).integers(len(y))
        yield Case(
            f"{n}_copies_batch_{batch_size}_epochs_{epochs}",
            (np.repeat(X[i : i + 1], n, axis=0), np.repeat(y[i : i + 1], n), epochs, batch_size, seed),
            seed=seed,
            note=f"{n} copies of one image (so the shuffle does not matter), batch_size={batch_size}, "
            f"epochs={epochs}, lr=0.05: ceil({n}/{batch_size}) SGD steps per epoch from train(..., epochs=0)'s init",
        )


def _train_steps(impl, X, y, epochs, batch_size, seed):
    from reference_impls.numpy.digits_mlp import backward

    sizes = (64, 64, 32, 10)
    init = [
        (np.asarray(W, np.float64), np.asarray(b, np.float64))
        for W, b in impl.train(X, y, sizes, 0, 0.05, batch_size, seed)
    ]
    trained = impl.train(X, y, sizes, epochs, 0.05, batch_size, seed)

    def sgd(steps):
        params = init
        for _ in range(steps):  # every batch holds copies of the same image
            _, grads = backward(params, X[:1], y[:1])
            params = [(W - 0.05 * dW, b - 0.05 * db) for (W, b), (dW, db) in zip(params, grads)]
        return params

    return {
        "init": init,
        "trained": [(np.asarray(W), np.asarray(b)) for W, b in trained],
        "expected": sgd(epochs * -(-len(y) // batch_size)),
        "full_batches_only": sgd(epochs * (len(y) // batch_size)),  # a known mistake: the partial batch dropped
    }


def _partial_batch_dropped(case, actual, expected):
    try:
        pairs = list(zip(actual["trained"], actual["expected"], actual["full_batches_only"], strict=True))
        same = lambda a, b: a.shape == b.shape and np.allclose(a, b, rtol=1e-7, atol=1e-9)  # noqa: E731
        return not all(same(W, We) for (W, _), (We, _), _ in pairs) and all(
            same(W, Wf) and same(b, bf) for (W, b), _, (Wf, bf) in pairs
        )
    except (TypeError, KeyError, ValueError, AttributeError):
        return False


def _judge_train_steps(expected, actual, case):
    for k, (W, b) in enumerate(actual["init"]):
        std, want = float(W.std()), float(np.sqrt(2.0 / W.shape[0]))
        if abs(std / want - 1) > 0.2:
            return f"train(..., epochs=0): layer {k}'s W has std {std:.4f}; He initialization gives sqrt(2 / fan_in) = {want:.4f}"
        if np.any(b != 0):
            return f"train(..., epochs=0): layer {k}'s b is not zero: the task starts the biases at 0"
    if all(
        np.array_equal(W, W0) and np.array_equal(b, b0) for (W, b), (W0, b0) in zip(actual["trained"], actual["init"])
    ):
        return f"after {case.note.split(', lr')[0]}: train returned its init unchanged: no SGD step was taken"
    for k, ((W, b), (We, be)) in enumerate(zip(actual["trained"], actual["expected"])):
        for name, got, want in (("W", W, We), ("b", b, be)):
            if got.shape != want.shape or not np.allclose(got, want, rtol=1e-7, atol=1e-9):
                err = np.max(np.abs(got - want)) if got.shape == want.shape else float("nan")
                return (
                    f"after {case.note.split(', lr')[0]}: layer {k}'s {name} differs from that many plain SGD steps "
                    f"(p -= lr * grad, one per batch of the epoch) from your own init by up to {err:.3g} "
                    "(rtol 1e-7, atol 1e-9): count the steps (every batch, the last partial one included, each epoch) "
                    "and update W and b alike"
                )
    return None


def _judge_train(expected, actual, case):
    if actual["layers"] < 3:
        return f"{actual['layers']} weight layers: the step asks for 3 or more (64 - 64 - 32 - 10 by default)"
    if actual["accuracy"] >= THRESHOLD:
        return None
    return f"test accuracy {actual['accuracy']:.3f} is under {THRESHOLD} (the reference: ~0.96 after 10 epochs)"


# -- known mistakes ------------------------------------------------------------------------------------------


def _forward_relu_on_logits(params, X):
    A = X
    for W, b in params:
        A = np.maximum(A @ W + b, 0)
    return A


def _backward_db_averaged_twice(params, X, y):
    from reference_impls.numpy.digits_mlp import backward

    loss, grads = backward(params, X, y)
    return loss, [(dW, db / len(y)) for dW, db in grads]


def _backward_summed(params, X, y):
    from reference_impls.numpy.digits_mlp import backward

    loss, grads = backward(params, X, y)
    return loss, [(dW * len(y), db * len(y)) for dW, db in grads]


EXERCISE = Exercise.of(
    info("digits_mlp"),
    preamble="import numpy as np\n",
    task=f"""Module 0.2's capstone step 5 tests the framework "on MNIST digit classification with 3+ layer
architectures". At a CPU's scale: scikit-learn's 8x8 digits (shipped: reference_impls.data.
digits_split(); the checks flatten them to float64 (N, 64) rows in [0, 1], labels int64 0-9).
An MLP is a list of (W, b): W (in, out), b (out,).

1. `forward(params, X)`: the logits (N, classes): A = X; each layer Z = A W + b; ReLU after every
   layer but the last (the logits stay linear). Keep X's dtype.
2. `backward(params, X, y)`: (loss, grads): the mean softmax cross-entropy of the logits against `y`,
   and [(dW, db), ...] per layer. From dL/dZ = (softmax(Z) - onehot(y)) / N at the top: dW = A_prev^T
   dZ, db = dZ summed over the batch, dA_prev = dZ W^T, times (Z_prev > 0) through each ReLU.
3. `train(X, y, sizes=(64, 64, 32, 10), epochs=10, lr=0.1, batch_size=32, seed=0)`: He initialization
   (W ~ N(0, 2 / fan_in), b = 0) from np.random.default_rng(seed), then mini-batch SGD on a fresh
   shuffle each epoch (batches of batch_size, the last one partial), one step p -= lr * grad per
   batch, W and b alike; return the params (epochs=0: the init). Milestone: >= {THRESHOLD} accuracy on the held-out images
   (the reference: ~0.96), with 3 or more weight layers.

The reference: reference_impls/numpy/digits_mlp.py.""",
    entry_points=(
        EntryPoint("forward", "(params, X)", "Logits (N, classes): ReLU between layers, none after the last."),
        EntryPoint(
            "backward", "(params, X, y)", "(mean cross-entropy, [(dW, db), ...]) for the softmax of the logits."
        ),
        EntryPoint(
            "train",
            "(X, y, sizes=(64, 64, 32, 10), epochs=10, lr=0.1, batch_size=32, seed=0)",
            "The trained params [(W, b), ...]: He init, mini-batch SGD.",
        ),
    ),
    checks=(
        Check("forward", "forward", forward_cases, description="3 layers, 2 layers (float32), 4 layers on one image"),
        Check(
            "backward",
            "backward",
            backward_cases,
            call=_backward,
            description="batches of 32, 7 and 1 through 3, 2 and 4 layers: the loss and every gradient",
        ),
        Check(
            "backward_edges",
            "backward",
            backward_edge_cases,
            call=_backward,
            description="rows whose logits are ~1e3 apart; a blank image through zero biases (ReLU at exactly 0)",
        ),
        Check(
            "train_steps",
            "train",
            train_steps_cases,
            call=_train_steps,
            compare=_judge_train_steps,
            reference_output=False,
            description="epochs=0 is the He init (b = 0); copies of one image: the SGD steps of 1-2 epochs exactly",
        ),
        Check(
            "train",
            "train",
            train_cases,
            call=_train,
            compare=_judge_train,
            reference_output=False,
            description=f"the defaults: test accuracy >= {THRESHOLD} with 3+ weight layers",
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "train",
            "for start in range(0, len(y), batch_size):",
            "len(y) + 1",
            "the extra start only adds an empty batch when batch_size divides N, and the reference's step on an "
            "empty batch is zero (its gradients are sums over no rows): the same params",
        ),
    ),
    probes=(
        Probe(
            "ReLU was applied to the logits: the last layer stays linear (Z = A W + b)",
            impl={"forward": _forward_relu_on_logits},
            checks=("forward",),
        ),
        Probe(
            "the gradients were summed over the batch, not averaged: divide dL/dZ by N (the loss is a mean)",
            impl={"backward": _backward_summed},
            checks=("backward",),
        ),
        Probe(
            "the gradient went through the ReLUs unmasked: multiply dA by (Z > 0) of that layer's pre-activation",
            impl="wrong/digits_mlp/no_relu_mask.py",
            checks=("backward",),
        ),
        Probe(
            "db is dZ summed over the batch (dZ already carries the 1 / N of the mean loss): db = dZ.sum(axis=0), "
            "not its mean",
            impl={"backward": _backward_db_averaged_twice},
            checks=("backward", "backward_edges"),
        ),
        Probe(
            "the last partial batch was dropped: an epoch takes ceil(N / batch_size) steps, the final batch holding "
            "the N % batch_size leftover examples",
            when=_partial_batch_dropped,
            checks=("train_steps",),
        ),
    ),
)
