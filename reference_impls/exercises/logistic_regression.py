"""Exercise: logistic regression with L1 / L2 / elastic-net penalties (sklearn's objective)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import blobs
from reference_impls.exercises._fresh import fresh


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


STEPS = [  # (name, N, K, D, C, l1_ratio, max_iter, positives' share for K = 2)
    ("binary_l2_one_step", 20, 2, 3, 1.0, 0.0, 1, 0.3),
    ("binary_l1_six_steps", 24, 2, 4, 0.5, 1.0, 6, 0.25),
    ("three_classes_elastic_net_six_steps", 30, 3, 3, 0.5, 0.5, 6, None),
]


def step_cases():
    """A few FISTA steps from W = 0, b = 0 with the step 1 / L; J decreases at each of them here, so
    no restart is involved."""
    for j, (name, n, k, d, C, r, max_iter, share) in enumerate(STEPS):
        rng = np.random.default_rng(18300 + j)
        y = (rng.random(n) < share).astype(np.int64) if k == 2 else rng.integers(0, k, n)
        X = rng.standard_normal((n, d)) + 1.5 * np.eye(k, d)[y] + 0.5  # not centred: the intercept matters
        yield Case(
            name,
            (X, y),
            {"C": C, "l1_ratio": r, "max_iter": max_iter},
            seed=18300 + j,
            note=f"max_iter={max_iter}: {max_iter} FISTA step(s) from W = 0, b = 0 with the step 1 / L",
        )


def objective_cases():
    for j, (name, n, k, d, C, r) in enumerate(SETTINGS):
        X, y = _data(18100 + j, n, k, d)
        rng = np.random.default_rng(18100 + j)
        W = rng.standard_normal((d,) if k == 2 else (d, k))
        b = rng.standard_normal(() if k == 2 else (k,))
        yield Case(name, (X, y, W, b), {"C": C, "l1_ratio": r}, seed=18100 + j)
    X, y = _data(18160, 40, 2, 3)
    rng = np.random.default_rng(18160)
    W = 40 * rng.standard_normal(3)  # |x w + b| up to ~200: sigmoid rounds to exactly 0 or 1 in float64
    yield Case(
        "binary_saturated",
        (X, y, W, np.float64(1.0)),
        {"C": 1.0, "l1_ratio": 0.0},
        seed=18160,
        note="large weights: p rounds to 0 or 1, so log(p) and log(1 - p) give -inf; J itself is finite (logaddexp)",
    )
    for rng, X, y, k, s in _fresh_data(18150):
        d = X.shape[1]
        W = rng.standard_normal((d,) if k == 2 else (d, k))
        b = rng.standard_normal(() if k == 2 else (k,))
        C, r = float(10 ** rng.uniform(-1, 1)), float(rng.choice([0.0, 1.0, rng.uniform()]))
        yield Case("fresh", (X, y, W, b), {"C": C, "l1_ratio": r}, seed=s)


def _fresh_data(seed):
    """(rng, X, y, K, seed): N, D and K (2 or 3) drawn afresh on each run."""
    for rng, (n, d), _, s in fresh([(60, 4), (9, 1)], ("float64",), seed=seed, n=2):
        k = int(rng.integers(2, 4))
        X, y = _data(s, max(n, 2 * k), k, d)
        yield rng, X, y, k, s


def proba_cases():
    for j, (name, n, k, d, _, _) in enumerate(SETTINGS[::3]):
        X, _ = _data(18200 + j, n, k, d)
        rng = np.random.default_rng(18200 + j)
        W = rng.standard_normal((d,) if k == 2 else (d, k))
        yield Case(name.split("_l")[0], (X, W, rng.standard_normal(() if k == 2 else (k,))), seed=18200 + j)
    for rng, X, _, k, s in _fresh_data(18250):
        W = rng.standard_normal((X.shape[1],) if k == 2 else (X.shape[1], k))
        yield Case("fresh", (X, W, rng.standard_normal(() if k == 2 else (k,))), seed=s)


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


def _penalty(W, C, l1_ratio, n):
    return (l1_ratio * np.abs(W).sum() + (1 - l1_ratio) / 2 * (W * W).sum()) / (C * n)


def _objective_naive_log(X, y, W, b, C=1.0, l1_ratio=0.0):
    """Andrew Ng's cost, -y log(h) - (1 - y) log(1 - h): log(0) where h rounds to 0 or 1."""
    from reference_impls.numpy.logistic_regression import objective

    if W.ndim == 2:
        return objective(X, y, W, b, C, l1_ratio)
    with np.errstate(all="ignore"):
        h = 1 / (1 + np.exp(-(X @ W + b)))
        nll = np.mean(-y * np.log(h) - (1 - y) * np.log(1 - h))
    return nll + _penalty(W, C, l1_ratio, len(y))


def _objective_l2_without_half(X, y, W, b, C=1.0, l1_ratio=0.0):
    from reference_impls.numpy.logistic_regression import objective

    return objective(X, y, W, b, C, l1_ratio) + (1 - l1_ratio) / 2 * (W * W).sum() / (C * len(y))


def _proba_columns_swapped(X, W, b):
    from reference_impls.numpy.logistic_regression import predict_proba

    P = predict_proba(X, W, b)
    return P[:, ::-1] if W.ndim == 1 else P


def _proba_positive_only(X, W, b):
    from reference_impls.numpy.logistic_regression import predict_proba

    P = predict_proba(X, W, b)
    return P[:, 1] if W.ndim == 1 else P


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
   exactly 0; the intercept takes the gradient step only. Start from W = 0, b = 0 with the step
   1 / L, L = c ||[X, 1]||_2^2 / N + lam (1 - l1_ratio) (the spectral norm of X with a column of
   ones; c = 1/4 binary, 1/2 softmax), a bound on the smooth part's curvature. Accelerate it with
   FISTA (Beck & Teboulle 2009): t_1 = 1, t_k+1 = (1 + sqrt(1 + 4 t_k^2)) / 2, and take step k + 1
   from V = W_k + (t_k - 1) / t_k+1 (W_k - W_k-1) (b likewise) instead of from W_k. max_iter
   counts the steps: the check wants exactly the iterates after 1 and 6 steps on small sets (J
   decreases at each, so no restart is involved). Beyond that the stopping rule is yours, and you
   may restart the momentum when J goes up (as the reference does); the check wants W within 1e-3
   of the optimum.
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
            description="binary and 3 classes; L2, L1, elastic net; random W, b; saturated logits (|z| ~ 200)",
        ),
        Check("predict_proba", "predict_proba", proba_cases, description="binary and 3 classes"),
        Check(
            "fit_steps",
            "fit_logistic",
            step_cases,
            description="max_iter 1 and 6 from W = 0 with the step 1 / L (FISTA): binary L2 / L1, 3 classes elastic "
            "net; unbalanced classes, features not centred",
        ),
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
            "the loss -y log(p) - (1 - y) log(1 - p) gives log(0) = -inf once p rounds to 0 or 1 (large |x w + b|): "
            "compute it from the logit z, np.logaddexp(0, z) - y z",
            impl={"objective": _objective_naive_log},
        ),
        Probe(
            "the L2 term is (1 - l1_ratio) / 2 * |W|_2^2: keep the 1/2 (its gradient is lam (1 - l1_ratio) W)",
            impl={"objective": _objective_l2_without_half},
        ),
        Probe(
            "for 2 classes predict_proba returns (N, 2), the columns [1 - p, p] (class 0, then class 1), like sklearn",
            impl={"predict_proba": _proba_columns_swapped},
        ),
        Probe(
            "for 2 classes predict_proba returns (N, 2), the columns [1 - p, p] (class 0, then class 1), like sklearn",
            impl={"predict_proba": _proba_positive_only},
        ),
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
        Probe(
            "the first steps are not the prescribed ones: start at W = 0, b = 0, step 1 / L with L = c ||[X, 1]||_2^2 / N "
            "+ lam (1 - l1_ratio) (c = 1/4 binary, 1/2 softmax), one gradient step + soft-thresholding per iteration "
            "(the intercept stepped, not thresholded), from FISTA's V = W_k + (t_k - 1) / t_k+1 (W_k - W_k-1)",
            when=lambda case, actual, expected: True,
            checks=("fit_steps",),
        ),
    ),
    equivalent_mutants=(
        *(
            Equivalent(
                "objective",
                "k = int(y.max()) + 1 if W.ndim == 2 else 2",
                edit,
                "k only chooses the branch (k == 2: sigmoid); a 2-D W has K >= 3 columns, and 1 or K + 1 is not 2 either",
            )
            for edit in ("k = 1 if", "int(y.max()) + 2")
        ),
        Equivalent(
            "fit_logistic",
            "if J > prev:",
            "J >= prev",
            "two iterates with exactly the same J have probability 0 on real-valued data",
        ),
        Equivalent(
            "fit_logistic",
            "t, VW, Vb = 1.0, W, b",
            "2.0, W, b",
            "the restart rule is left free by the task (it only acts after the checked first steps): a restart "
            "that keeps some momentum still converges to the optimum",
        ),
        *(
            Equivalent(
                "fit_logistic",
                "if prev - J < tol * max(abs(J), 1):",
                edit,
                "the stopping rule is left free by the task; with tol = 1e-13 either rule stops at the optimum "
                "(J < 1 on these sets, so max(|J|, 1) = 1)",
            )
            for edit in ("prev - J <= tol", "if prev - J < tol:")
        ),
        Equivalent(
            "_probs_and_targets",
            "return sigmoid(z), y.astype(X.dtype)",
            "return sigmoid(z), y",  # the cast deleted
            "0 / 1 labels are exact in any dtype; P - y promotes to P's float dtype: the same gradient",
        ),
        Equivalent(
            "_probs_and_targets",
            "np.eye(k, dtype=X.dtype)[y]",
            "np.eye(k)[y]",
            "one-hot 0 / 1 targets are exact in any dtype; P - Y has the same values",
        ),
    ),
)
