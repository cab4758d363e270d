"""Exercise: a linear SVM by subgradient descent on the primal hinge loss (one-vs-rest for K > 2)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import blobs
from reference_impls.exercises._fresh import fresh


def _data(seed, n, k, d):
    X, y = blobs(seed, n, k, d, spread=2.0, sep=2.0)
    return (X - X.mean(0)) / X.std(0), y


def objective_cases():
    for j, (n, d, C) in enumerate([(40, 3, 1.0), (60, 5, 0.1)]):
        X, y = _data(20000 + j, n, 2, d)
        rng = np.random.default_rng(20000 + j)
        yield Case(f"C_{C}", (X, np.where(y == 1, 1.0, -1.0), rng.standard_normal(d), 0.3), {"C": C}, seed=20000 + j)
    for rng, (n, d), _, s in fresh([(40, 3), (9, 1)], ("float64",), seed=20050, n=2):  # drawn afresh each run
        X, y = _data(s, max(n, 4), 2, d)
        C = float(10 ** rng.uniform(-1, 1))
        yield Case(
            "fresh",
            (X, np.where(y == 1, 1.0, -1.0), rng.standard_normal(d), float(rng.standard_normal())),
            {"C": C},
            seed=s,
        )


def fit_cases():
    for j, (n, d, C) in enumerate([(60, 3, 1.0), (80, 4, 10.0), (50, 2, 0.1)]):
        X, y = _data(20100 + j, n, 2, d)
        yield Case(
            f"C_{C}",
            (X, np.where(y == 1, 1.0, -1.0)),
            {"C": C},
            seed=20100 + j,
            note="your (w, b)'s objective J must be within 1% of the reference's after 1000 epochs",
        )


def step_cases():
    """Few epochs on small sets: the prescribed iterates exactly (balanced, unbalanced, separable)."""
    for j, (name, n, d, C, epochs, sep, positives) in enumerate(
        [
            ("balanced_25_epochs", 12, 3, 1.0, 25, 2.0, 6),
            ("unbalanced_overlapping_40_epochs", 15, 2, 0.5, 40, 1.0, 4),
            ("separable_C_5_30_epochs", 10, 4, 5.0, 30, 6.0, 5),
            ("one_epoch", 20, 3, 1.0, 1, 2.0, 10),
        ]
    ):
        rng = np.random.default_rng(20300 + j)
        X = np.vstack([rng.normal(sep / 2, 1, (positives, d)), rng.normal(-sep / 2, 1, (n - positives, d))])
        y = np.r_[np.ones(positives), -np.ones(n - positives)]
        yield Case(
            name,
            (X, y),
            {"C": C, "epochs": epochs},
            seed=20300 + j,
            note=f"{epochs} step(s) from theta = 0 with the step 1 / (t + 1), t = 0, 1, ...: the iterate with the "
            "lowest J",
        )


def _objective_of_fit(impl, X, y, C=1.0):
    from reference_impls.numpy.linear_svm import hinge_objective

    w, b = impl.fit_binary_svm(X, y, C)
    return float(hinge_objective(X, y, np.asarray(w, dtype=float), float(b), C))


def multi_cases():
    for j, (k, C) in enumerate([(3, 1.0), (2, 0.5)]):
        X, y = _data(20150 + j, 45, k, 3)
        yield Case(
            f"{k}_classes_C_{C}",
            (X, y),
            {"C": C, "epochs": 300},
            seed=20150 + j,
            note="one binary SVM per class (class c against the rest), stacked as W's columns"
            if k > 2
            else "two classes: ONE problem (class 1 against class 0), W (D, 1)",
        )


def _objectives_of_multi_fit(impl, X, y, C=1.0, epochs=300):
    """Per binary problem, the objective J of the learner's column: (K',) and W's shape."""
    from reference_impls.numpy.linear_svm import hinge_objective

    W, b = impl.fit_linear_svm(X, y, C, epochs)
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float).reshape(-1)
    k = int(y.max()) + 1
    classes = [1] if k == 2 else range(k)
    if W.ndim != 2 or W.shape[1] != len(classes) or b.shape != (len(classes),):
        raise ValueError(
            f"W has shape {W.shape} and b {b.shape}: expected ({X.shape[1]}, {len(classes)}) and ({len(classes)},)"
        )
    return np.array([hinge_objective(X, np.where(y == c, 1.0, -1.0), W[:, j], b[j], C) for j, c in enumerate(classes)])


def _each_within_1_percent(expected, actual, case):
    actual = np.asarray(actual, dtype=float)
    if actual.shape != expected.shape:
        return f"{actual.size} binary problems, expected {expected.size}"
    worst = int(np.argmax(actual / expected))
    if not np.all(np.isfinite(actual)) or np.any(actual > expected * 1.01 + 1e-6):
        return (
            f"problem {worst}'s objective J = {actual[worst]:.6g}, more than 1% above the reference's "
            f"{expected[worst]:.6g}"
        )
    return None


def _within_1_percent(expected, actual, case):
    if not np.isfinite(actual) or actual > expected * 1.01 + 1e-6:
        return f"objective J = {actual:.6g}, more than 1% above the reference's {expected:.6g}"
    return None


def predict_cases():
    for j, k in enumerate((2, 3, 4)):
        X, _ = _data(20200 + j, 60, k, 3)
        rng = np.random.default_rng(20200 + j)
        W, b = rng.standard_normal((3, 1 if k == 2 else k)), rng.standard_normal(1 if k == 2 else k)
        yield Case(
            f"{k}_classes",
            (X, W, b),
            seed=20200 + j,
            note="one-vs-rest: the argmax of the K decision values" if k > 2 else "",
        )


def _objective_no_bias_reg(X, y, w, b, C=1.0):
    return 0.5 * w @ w + C * np.maximum(0, 1 - y * (X @ w + b)).sum()


def _objective_mean_hinge(X, y, w, b, C=1.0):
    return 0.5 * (w @ w + b * b) + C * np.maximum(0, 1 - y * (X @ w + b)).mean()


def _predict_signs(X, W, b):
    from reference_impls.numpy.linear_svm import predict

    labels = predict(X, W, b)
    return 2 * labels - 1 if np.shape(W)[1] == 1 else labels


def _fit_two_problems(X, y, C=1.0, epochs=1000):
    from reference_impls.numpy.linear_svm import fit_binary_svm

    fits = [fit_binary_svm(X, np.where(y == c, 1.0, -1.0), C, epochs) for c in range(int(y.max()) + 1)]
    return np.stack([w for w, _ in fits], axis=1), np.array([b for _, b in fits])


EXERCISE = Exercise.of(
    info("linear_svm"),
    task="""The soft-margin linear SVM in the primal, as sklearn.svm.LinearSVC(loss='hinge'), whose
intercept is regularized like a weight (a constant feature of 1):

    J(w, b) = 0.5 (|w|^2 + b^2) + C * sum_i max(0, 1 - y_i (w . x_i + b)),   y_i in {-1, +1}

1. hinge_objective(X, y, w, b, C) -> J.
2. fit_binary_svm(X, y, C, epochs) -> (w, b): subgradient descent on theta = [w, b] with
   g = theta - C * sum over margin violators (y_i theta . [x_i, 1] < 1) of y_i [x_i, 1] and the
   step 1 / (t + 1) (J is 1-strongly convex), starting from theta = 0, one full-batch step per
   epoch (t = 0 .. epochs - 1); return the iterate with the lowest J among those after each step
   (subgradient steps are not monotone). The check wants J within 1% of the reference's after 1000
   epochs, and the exact iterate after a few epochs on small sets.
3. fit_linear_svm(X, y, C, epochs): one-vs-rest for classes 0..K-1 (one binary problem, class
   1 vs 0, when K = 2) -> (W (D, K'), b (K',)); predict(X, W, b): the sign for K' = 1, else the
   argmax of X @ W + b.
Step 4 of the capstone asks for other kernels too: this exercise is the linear one.""",
    entry_points=(
        EntryPoint("hinge_objective", "(X, y, w, b, C=1.0)", "J(w, b), a float."),
        EntryPoint("fit_binary_svm", "(X, y, C=1.0, epochs=1000)", "(w (D,), b) minimising J (y in {-1, +1})."),
        EntryPoint("fit_linear_svm", "(X, y, C=1.0, epochs=1000)", "(W (D, K'), b (K',)), one-vs-rest."),
        EntryPoint("predict", "(X, W, b)", "Predicted classes (N,)."),
    ),
    checks=(
        Check("objective", "hinge_objective", objective_cases, description="C 1 and 0.1, random w and b"),
        Check(
            "fit",
            "fit_binary_svm",
            fit_cases,
            call=_objective_of_fit,
            compare=_within_1_percent,
            description="C 0.1 / 1 / 10: J within 1% of the reference's",
        ),
        Check(
            "fit_multiclass",
            "fit_linear_svm",
            multi_cases,
            call=_objectives_of_multi_fit,
            compare=_each_within_1_percent,
            description="3 classes one-vs-rest, 2 classes as one problem: each column's J within 1% of the reference's",
        ),
        Check("predict", "predict", predict_cases, description="2, 3, 4 classes"),
        Check(
            "fit_steps",
            "fit_binary_svm",
            step_cases,
            description="1 to 40 epochs from theta = 0 on 10 to 20 points (balanced, unbalanced, separable): "
            "the prescribed best iterate",
        ),
    ),
    probes=(
        Probe(
            "LinearSVC regularizes the intercept like a weight: J has 0.5 (|w|^2 + b^2)",
            impl={"hinge_objective": _objective_no_bias_reg},
        ),
        Probe(
            "the hinge term is C times the SUM over samples (LinearSVC's C), not the mean",
            impl={"hinge_objective": _objective_mean_hinge},
        ),
        Probe(
            "predict returns class labels 0 / 1 for a single column (the sign of the decision value mapped to 1 if "
            "positive, else 0), not -1 / +1",
            impl={"predict": _predict_signs},
        ),
        Probe(
            "two classes are ONE binary problem (class 1 against class 0): W (D, 1), b (1,), not one column per class",
            impl={"fit_linear_svm": _fit_two_problems},
            checks=("fit_multiclass",),
        ),
        Probe(
            "fit_binary_svm ends far from the optimum: check the subgradient (theta - C * sum of y_i x_i over margin "
            "violators), the step 1 / (t + 1), and keep the best iterate",
            when=lambda case, actual, expected: not hasattr(actual, "message"),  # a result, not an exception
            checks=("fit",),
        ),
        Probe(
            "the iterates are not the prescribed ones: start at theta = 0, take exactly `epochs` steps of size "
            "1 / (t + 1) for t = 0, 1, ..., and return the iterate (after a step) with the lowest J",
            when=lambda case, actual, expected: True,
            checks=("fit_steps",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "fit_binary_svm",
            "active = y * (A @ theta) < 1",
            "<= 1",
            "a margin of exactly 1 has probability 0 on continuous data (at theta = 0 every margin is 0)",
        ),
        Equivalent(
            "fit_binary_svm",
            "if J < best[0]:",
            "J <= best[0]",
            "two iterates with exactly the same J have probability 0 on continuous data",
        ),
        Equivalent(
            "fit_binary_svm",
            "J = 0.5 * theta @ theta + C",
            "theta @ (0.5 * theta)",
            "the same product, parenthesized differently",
        ),
        Equivalent(
            "hinge_objective",
            "0.5 * (w @ w + b * b)",
            "0.5 * ((w @ w) + b * b)",
            "the same expression: @ binds tighter than +",
        ),
        Equivalent(
            "predict",
            "(s[:, 0] > 0).astype(np.int64)",
            "(s[:, 0] >= 0)",
            "a real-valued decision value is exactly 0 with probability 0",
        ),
        Equivalent(
            "predict",
            "(s[:, 0] > 0).astype(np.int64) if s.shape[1] == 1",
            "s[:, -1]",
            "in this branch s has one column: 0 and -1 are the same",
        ),
    ),
)
