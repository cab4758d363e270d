"""Exercise: linear regression by gradient descent, and the closed form."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._fresh import fresh


def _data(seed, n=40, d=3, noise=0.1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    return X, X @ rng.standard_normal(d) + 1.5 + noise * rng.standard_normal(n), rng


def closed_cases():
    for k, (n, d) in enumerate([(40, 3), (100, 1), (10, 5)]):
        X, y, _ = _data(14000 + k, n, d)
        yield Case(f"n{n}_d{d}", (X, y), seed=14000 + k)
    for _, (n, d), _, s in _fresh_sizes(14050):
        X, y, _ = _data(s, n, d)
        yield Case("fresh", (X, y), seed=s)


def _fresh_sizes(seed):
    """(n, d) drawn afresh on each run, d from 1 and n >= d + 3 (a well-posed least squares)."""
    for rng, (n, d), dtype, s in fresh([(40, 3), (10, 1)], ("float64",), seed=seed, n=2):
        yield rng, (max(n, d + 3), d), dtype, s


def gradient_cases():
    for k, (n, d) in enumerate([(40, 3), (10, 5)]):
        X, y, rng = _data(14100 + k, n, d)
        yield Case(f"n{n}_d{d}", (X, y, rng.standard_normal(d), 0.3), seed=14100 + k)
    for _, (n, d), _, s in _fresh_sizes(14150):
        X, y, rng = _data(s, n, d)
        yield Case("fresh", (X, y, rng.standard_normal(d), float(rng.standard_normal())), seed=s)


def gd_cases():
    for k, (n, d, lr, epochs) in enumerate([(40, 3, 0.1, 200), (100, 1, 0.3, 50), (10, 5, 0.05, 300)]):
        X, y, _ = _data(14200 + k, n, d)
        yield Case(
            f"n{n}_d{d}_lr{lr}",
            (X, y),
            {"lr": lr, "epochs": epochs},
            seed=14200 + k,
            note="full-batch GD from w = 0, b = 0; losses[e] = the MSE after epoch e's update",
        )
    X, y, _ = _data(14210, 30, 2)
    yield Case(
        "n30_d2_default_lr",
        (X, y),
        {"epochs": 40},
        seed=14210,
        note="lr=None: 1 / L, L the largest eigenvalue of (2/N) A.T A, A = [X, 1]",
    )


def _no_two(X, y, w, b):
    r = X @ w + b - y
    return X.T @ r / len(y), r.mean()


def _normal_no_bias(X, y):
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    return w, 0.0


def _gd_variant(record_before=False, loss_scale=1.0, hessian=None):
    """Full-batch GD as the task states, with one thing changed (the known mistakes below)."""

    def fit(X, y, lr=None, epochs=1000, batch_size=None, seed=0):
        from reference_impls.numpy.linear_regression import mse_gradients

        n, d = X.shape
        if lr is None:
            A = X if hessian == "no_ones" else np.hstack([X, np.ones((n, 1))])
            lr = 1.0 / ((1 if hessian == "no_two" else 2) * np.linalg.eigvalsh(A.T @ A / n)[-1])
        w, b, losses = np.zeros(d), 0.0, []
        for _ in range(epochs):
            if record_before:
                losses.append(float(np.mean((X @ w + b - y) ** 2)))
            dw, db = mse_gradients(X, y, w, b)
            w, b = w - lr * dw, b - lr * db
            if not record_before:
                losses.append(float(loss_scale * np.mean((X @ w + b - y) ** 2)))
        return w, b, losses

    return fit


DEFAULT_LR = (
    "with lr=None the step is 1 / L, L the largest eigenvalue of (2/N) A.T A with A = [X, 1]: the column of "
    "ones included (b is a parameter too) and the 2 of the MSE's Hessian kept"
)


EXERCISE = Exercise.of(
    info("linear_regression"),
    task="""y_hat = X @ w + b, loss L = mean((y_hat - y)^2). Derive the gradients on paper first:
dL/dw = (2 / N) X.T @ (y_hat - y), dL/db = (2 / N) sum(y_hat - y).

1. fit_closed_form(X, y) -> (w (D,), b): least squares on [X, 1] (np.linalg.lstsq is stabler than
   inverting X.T X).
2. mse_gradients(X, y, w, b) -> (dw, db).
3. fit_gradient_descent(X, y, lr, epochs, batch_size, seed) -> (w, b, losses): start from w = 0,
   b = 0; each epoch one full-batch step (batch_size=None; the check uses that), then append the
   full-data MSE to losses. With lr=None use 1 / L, L = the largest eigenvalue of (2/N) A.T A,
   A = [X, 1]. A batch_size gives mini-batch SGD over a permutation from
   np.random.default_rng(seed) (not checked: compare its loss curve with batch GD's yourself).
The loss is convex: GD with lr < 1/L converges to the closed form. Why can't it overshoot?""",
    entry_points=(
        EntryPoint("fit_closed_form", "(X, y)", "(w, b) minimising the MSE exactly."),
        EntryPoint("mse_gradients", "(X, y, w, b)", "(dL/dw (D,), dL/db scalar) of the MSE."),
        EntryPoint(
            "fit_gradient_descent",
            "(X, y, lr=None, epochs=1000, batch_size=None, seed=0)",
            "(w, b, losses) after `epochs` steps.",
        ),
    ),
    checks=(
        Check("closed_form", "fit_closed_form", closed_cases, description="D = 1, 3, 5; N = 10 to 100"),
        Check("gradients", "mse_gradients", gradient_cases, description="random w, b = 0.3"),
        Check(
            "gradient_descent",
            "fit_gradient_descent",
            gd_cases,
            tolerance={"float64": (1e-6, 1e-8)},
            description="full-batch GD, 3 settings: final w, b and the loss curve",
        ),
    ),
    probes=(
        Probe(
            "d/dw of mean((Xw + b - y)^2) is (2 / N) X.T (Xw + b - y): the factor 2 is missing",
            impl={"mse_gradients": _no_two},
        ),
        Probe(
            "the bias is missing: append a column of ones to X (or fit b separately)",
            impl={"fit_closed_form": _normal_no_bias},
        ),
        Probe(
            "losses[e] is the MSE AFTER epoch e's update (the first entry already below the loss at w = 0, b = 0)",
            impl={"fit_gradient_descent": _gd_variant(record_before=True)},
        ),
        Probe(
            "losses holds the MSE, mean((X w + b - y)^2), not the half-MSE J = 1 / (2N) sum(...) of Andrew Ng's course",
            impl={"fit_gradient_descent": _gd_variant(loss_scale=0.5)},
        ),
        Probe(DEFAULT_LR, impl={"fit_gradient_descent": _gd_variant(hessian="no_ones")}),
        Probe(DEFAULT_LR, impl={"fit_gradient_descent": _gd_variant(hessian="no_two")}),
    ),
    equivalent_mutants=(
        Equivalent(
            "fit_gradient_descent",
            "np.linalg.eigvalsh(A.T @ A / n)[-1]",
            "(A @ A.T) / n",
            "A A^T and A^T A have the same nonzero eigenvalues, so the same largest one",
        ),
    ),
)
