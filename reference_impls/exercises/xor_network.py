"""Exercise: the 2-layer XOR network of Module 0.2, forward and backward by hand, trained to 4/4."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.numpy.xor import XOR_X, XOR_Y


def _params(hidden, dtype, seed):
    rng = np.random.default_rng(seed)
    return rng, {
        "W1": rng.standard_normal((2, hidden)).astype(dtype),
        "b1": rng.uniform(-1, 1, hidden).astype(dtype),
        "W2": rng.standard_normal((hidden, 1)).astype(dtype),
        "b2": rng.uniform(-1, 1, 1).astype(dtype),
    }


def _inputs():
    seed = 4000
    for hidden in (2, 3, 8):
        for dtype in ("float32", "float64"):
            seed += 1
            rng, params = _params(hidden, dtype, seed)
            yield f"xor_points_hidden_{hidden}", XOR_X.astype(dtype), XOR_Y.astype(dtype), params, seed
            x = rng.uniform(-2, 2, (10, 2)).astype(dtype)
            y = rng.integers(0, 2, (10, 1)).astype(dtype)
            yield f"random_points_hidden_{hidden}", x, y, params, seed


def forward_cases():
    for name, x, _, params, seed in _inputs():
        yield Case(name, (x, params), seed=seed)


def backward_cases():
    for name, x, y, params, seed in _inputs():
        yield Case(name, (x, y, params), seed=seed)


def train_cases():
    for seed in (0, 1):
        yield Case(
            f"seed_{seed}",
            (),
            {"hidden": 4, "lr": 2.0, "steps": 300, "seed": seed},
            seed=seed,
            note="train on the 4 XOR points, then predict them",
        )


def frozen_cases():
    yield Case(
        "lr_0",
        (),
        {"hidden": 4, "lr": 0.0, "steps": 20, "seed": 3},
        seed=3,
        note="lr = 0: every step leaves the params at the seed's init, so every loss equals the first and "
        "one more step returns the same params",
    )


def _train_frozen(impl, **kwargs):
    params, losses = impl.train_xor(**kwargs)
    again, _ = impl.train_xor(**{**kwargs, "steps": kwargs["steps"] + 1})
    losses = np.asarray(losses, dtype=float)
    return {
        "one_loss_per_step": len(losses) == kwargs["steps"],
        "every_loss_equals_the_first": bool(len(losses) > 0 and np.allclose(losses, losses[0], rtol=1e-9, atol=0)),
        "one_more_step_returns_the_same_params": sorted(params) == sorted(again)
        and all(np.array_equal(np.asarray(params[k]), np.asarray(again[k])) for k in params),
    }


def _train_and_predict(impl, **kwargs):
    params, losses = impl.train_xor(**kwargs)
    p = np.clip(np.asarray(impl.forward(XOR_X, params), dtype=float), 1e-12, 1 - 1e-12)
    predictions = (p > 0.5).astype(np.int64)
    bce = float(-np.mean(XOR_Y * np.log(p) + (1 - XOR_Y) * np.log(1 - p)))  # at the returned params
    return {
        "predictions": predictions,
        "final_loss_below_0.1": bool(losses[-1] < 0.1),
        "one_loss_per_step": len(losses) == kwargs["steps"],
        # the last loss, taken just before or after the last step, is the BCE of (nearly) the returned params
        "last_loss_is_the_bce": bool(abs(losses[-1] - bce) <= 0.05 * bce + 1e-6),
    }


def _backward_without_tanh_grad(x, y, params):
    h = np.tanh(x @ params["W1"] + params["b1"])
    p = 1 / (1 + np.exp(-(h @ params["W2"] + params["b2"])))
    dz = (p - y) / len(y)
    da1 = dz @ params["W2"].T
    return {"W1": x.T @ da1, "b1": da1.sum(0), "W2": h.T @ dz, "b2": dz.sum(0)}


EXERCISE = Exercise.of(
    info("xor_network"),
    task="""A 2-layer network that learns XOR, the classic problem no single layer can solve.

    a1 = x @ W1 + b1;  h = tanh(a1);  z = h @ W2 + b2;  p = sigmoid(z)       x: (N, 2), p: (N, 1)
    loss = binary cross-entropy = -mean(y log p + (1 - y) log(1 - p))

params is a dict: W1 (2, H), b1 (H,), W2 (H, 1), b2 (1,).

1. forward(x, params): p, shape (N, 1).
2. backward(x, y, params): the gradients of the loss, a dict with the same keys and shapes as
   params. Work it out on paper first: sigmoid followed by BCE gives dz = (p - y) / N; then
   through W2, then tanh (1 - h^2), then W1.
3. train_xor(hidden, lr, steps, seed): initialise (random W1, W2 and b1; seeded by `seed`), then
   `steps` full-batch gradient-descent steps on the 4 XOR points. Return (params, losses), one
   loss per step (the BCE, before or after that step's update). The check trains with H = 4, lr = 2,
   300 steps for seeds 0 and 1 and expects 4/4 correct, 300 losses, the last below 0.1 and within 5%
   of the BCE of the returned params. With lr = 0 nothing may move (the update is params - lr * grads):
   every loss equals the first and the params are the seed's init, whatever `steps` is. The init
   is yours. (All-zero weights never learn XOR: why?)""",
    entry_points=(
        EntryPoint("forward", "(x, params)", "Probabilities p (N, 1) that XOR(x) = 1, in x's dtype."),
        EntryPoint("backward", "(x, y, params)", "Gradients of the BCE loss: dict W1, b1, W2, b2 (shapes of params)."),
        EntryPoint(
            "train_xor",
            "(hidden=4, lr=2.0, steps=500, seed=0)",
            "(params, losses) after `steps` gradient-descent steps on XOR.",
        ),
    ),
    checks=(
        Check(
            "forward",
            "forward",
            forward_cases,
            description="H = 2, 3, 8; the 4 XOR points and 10 random points; float32/64",
        ),
        Check("backward", "backward", backward_cases, description="the same inputs; every gradient"),
        Check(
            "train",
            "train_xor",
            train_cases,
            call=_train_and_predict,
            description="seeds 0 and 1: 4/4 XOR points right and final loss < 0.1 after 300 steps (lr 2)",
        ),
        Check(
            "train_lr_0",
            "train_xor",
            frozen_cases,
            call=_train_frozen,
            description="lr = 0, 20 and 21 steps: the update is params - lr * grads, so nothing moves",
        ),
    ),
    probes=(
        Probe(
            "BCE's gradient through the sigmoid is dz = (p - y) / N: it already includes the sigmoid's derivative "
            "p (1 - p); multiplying by it again is MSE's backprop through a sigmoid",
            impl="wrong/xor_network/sigmoid_grad_twice.py",
            checks=("backward",),
        ),
        Probe(
            "tanh's derivative is missing: da1 = (dz @ W2.T) * (1 - h^2)",
            impl={"backward": _backward_without_tanh_grad},
        ),
        Probe(
            "training does not solve XOR: check backward against finite differences, the sign of the update "
            "(params -= lr * grads), and the init (all-zero weights keep every hidden unit identical)",
            when=lambda case, actual, expected: not hasattr(actual, "message"),  # a result, not an exception
            checks=("train",),
        ),
        Probe(
            "with lr = 0 training changes something: the update must be params - lr * grads (is lr used, or a fixed "
            "number?), and the init must come from a generator seeded by `seed` (np.random.default_rng(seed))",
            when=lambda case, actual, expected: True,
            checks=("train_lr_0",),
        ),
    ),
    equivalent_mutants=(
        *(
            Equivalent(
                "init_params",
                "rng.uniform(-1, 1, hidden)",
                edit,
                "the task leaves the init free (random, seeded): b1 drawn from another small range trains to 4/4 too",
            )
            for edit in ("uniform(0, 1,", "uniform(-2, 1,", "uniform(-1, 2,", "uniform(-1, 0,")
        ),
        *(
            Equivalent(
                "bce_loss",
                "np.clip(p, 1e-12, 1 - 1e-12)",
                edit,
                "the upper clip binds only where sigmoid(z) rounds to 1 (z > 36.7 in float64), which 300 steps on "
                "XOR never reach: it guards log(0) in a saturated net",
            )
            for edit in ("1e-12, 1)", "2 - 1e-12")
        ),
    ),
)
