"""Exercise: logistic regression with L1 / L2 / elastic-net penalties (sklearn's objective)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._cases import blobs


def _data(seed, n, k, d):
    X, y = blobs(seed, n, k, d, spread=2.5, sep=2.0)  # overlapping classes: a finite optimum
    return (X - X.mean(0)) / X.std(0), y


SETTINGS = [
    ("binary_l2", 60, 2, 4, 1.0, 0.0),
    ("binary_l1", 60, 2, 6, 0.1, 1.0),
    ("binary_elastic_net", 60, 2, 4, 0.5, 0.5),
    ("three_classes_l2", 90, 3, 3, 1.0, 0.0),
    ("three_classes_l1", 90, 3, 5, 0.2, 1.0),
]


def fit_cases():
    for j, (name, n, k, d, C, r) in enumerate(SETTINGS):
        X, y = _data(18000 + j, n, k, d)
        yield Case(
            name,
            (X, y),
            {"C": C, "l1_ratio": r},
            seed=18000 + j,
            note=f"C={C}, l1_ratio={r}: the optimum of sklearn's objective (the check allows 1e-3)",
        )


def objective_cases():
    for j, (name, n, k, d, C, r) in enumerate(SETTINGS):
        X, y = _data(18100 + j, n, k, d)
        rng = np.random.default_rng(18100 + j)
        W = rng.standard_normal((d,) if k == 2 else (d, k))
        b = rng.standard_normal(() if k == 2 else (k,))
        yield Case(name, (X, y, W, b), {"C": C, "l1_ratio": r}, seed=18100 + j)


def proba_cases():
    for j, (name, n, k, d, _, _) in enumerate(SETTINGS[::3]):
        X, _ = _data(18200 + j, n, k, d)
        rng = np.random.default_rng(18200 + j)
        W = rng.standard_normal((d,) if k == 2 else (d, k))
        yield Case(name.split("_l")[0], (X, W, rng.standard_normal(() if k == 2 else (k,))), seed=18200 + j)


def _objective_penalized_intercept(X, y, W, b, C=1.0, l1_ratio=0.0):
    from reference_impls.numpy.logistic_regression import objective

    lam = 1.0 / (C * len(y))
    b = np.asarray(b)
    return objective(X, y, W, b, C, l1_ratio) + lam * (l1_ratio * np.abs(b).sum() + (1 - l1_ratio) / 2 * (b * b).sum())


def _objective_unscaled(X, y, W, b, C=1.0, l1_ratio=0.0):
    from reference_impls.numpy.logistic_regression import objective

    n = len(y)
    pen = l1_ratio * np.abs(W).sum() + (1 - l1_ratio) / 2 * (W * W).sum()
    return objective(X, y, W, b, C, l1_ratio) - pen / (C * n) + pen / C


EXERCISE = Exercise.of(
    info("logistic_regression"),
    task="""Regularized logistic regression, binary (sigmoid, W (D,), b scalar) for 2 classes and
multinomial (softmax, W (D, K), b (K,)) for K >= 3, minimising sklearn's objective divided by C N:

    J = mean_i -log p(y_i | x_i) + lam * (l1_ratio * |W|_1 + (1 - l1_ratio) / 2 * |W|_2^2),  lam = 1 / (C N)

(the intercept is not penalized). l1_ratio 0 is L2 (ridge), 1 is L1 (lasso), between is elastic net.

1. objective(X, y, W, b, C, l1_ratio): J, computed stably (log-sum-exp / logaddexp).
2. predict_proba(X, W, b) -> (N, K) (for binary: the columns [1 - p, p], like sklearn).
3. fit_logistic(X, y, C, l1_ratio, max_iter, tol) -> (W, b) at the optimum. Gradient descent
   handles L2; for L1 use proximal gradient: a gradient step on the smooth part, then
   soft-thresholding W <- sign(W) max(|W| - step * lam * l1_ratio, 0), which makes coefficients
   exactly 0. Accelerate it (FISTA) or be patient: the check wants W within 1e-3 of the optimum.
Then compare with sklearn's LogisticRegression(C=C, l1_ratio=..., solver='saga') on Breast Cancer.""",
    entry_points=(
        EntryPoint(
            "objective", "(X, y, W, b, C=1.0, l1_ratio=0.0)", "The penalized mean negative log-likelihood J (a float)."
        ),
        EntryPoint("predict_proba", "(X, W, b)", "Class probabilities (N, K)."),
        EntryPoint("fit_logistic", "(X, y, C=1.0, l1_ratio=0.0, max_iter=10000, tol=1e-13)", "(W, b) minimising J."),
    ),
    checks=(
        Check(
            "objective",
            "objective",
            objective_cases,
            description="binary and 3 classes; L2, L1, elastic net; random W, b",
        ),
        Check("predict_proba", "predict_proba", proba_cases, description="binary and 3 classes"),
        Check(
            "fit",
            "fit_logistic",
            fit_cases,
            tolerance={"float64": (1e-3, 1e-3)},
            description="binary L2 / L1 / elastic net, 3-class L2 / L1: W and b within 1e-3 of the optimum",
        ),
    ),
    probes=(
        Probe(
            "the intercept is not penalized (sklearn's objective): apply the penalty to W only",
            impl={"objective": _objective_penalized_intercept},
        ),
        Probe(
            "the penalty's weight is lam = 1 / (C N) once the loss is a mean (sklearn sums the loss and weights it by C)",
            impl={"objective": _objective_unscaled},
        ),
        Probe(
            "fit_logistic is not at the optimum: the L1 part needs soft-thresholding (a subgradient step never "
            "lands on 0), and plain gradient descent may need many more iterations or a step of 1 / L",
            when=lambda case, actual, expected: not hasattr(actual, "message"),  # a result, not an exception
            checks=("fit",),
        ),
    ),
)
