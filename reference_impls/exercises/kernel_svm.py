"""Exercise: a kernel SVM (linear, polynomial, RBF kernels; the dual by SMO; one-vs-one), Module
0.1's capstone step 4."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import blobs

FIT_TOL = 1e-5  # the KKT gap the checks ask fit_svm for: decision values then agree to ~1e-4


def _standardized(seed, n, k, d, spread=2.0, sep=2.0):
    X, y = blobs(seed, n, k, d, spread=spread, sep=sep)
    return (X - X.mean(0)) / X.std(0), y


KERNELS = [
    ("linear", {}),
    ("poly", {"gamma": 0.5, "degree": 2, "coef0": 1.0}),
    ("poly", {"gamma": 1.0, "degree": 3, "coef0": 0.0}),
    ("rbf", {"gamma": 0.5}),
    ("rbf", {"gamma": 2.0}),
]


def _name(kernel, kw):
    return "_".join([kernel] + [f"{k}{v:g}" for k, v in kw.items()])


# -- kernels ------------------------------------------------------------------------------------------


def kernel_cases():
    for j, (kernel, kw) in enumerate(KERNELS):
        rng = np.random.default_rng(17000 + j)
        X, Z = rng.standard_normal((6, 3)), rng.standard_normal((4, 3))
        yield Case(
            _name(kernel, kw),
            (X, Z, kernel),
            dict(kw),
            seed=17000 + j,
            note="homogeneous polynomial: coef0 = 0" if kw.get("coef0") == 0.0 else "",
        )
    X = np.random.default_rng(17010).standard_normal((5, 2))
    yield Case("rbf_X_with_itself", (X, X, "rbf"), {"gamma": 1.0}, seed=17010, note="K(x, x) = 1 on the diagonal")


def _rbf_not_squared(X, Z, kernel="rbf", gamma=1.0, degree=3, coef0=1.0):
    from reference_impls.numpy.kernel_svm import kernel_matrix

    if kernel != "rbf":
        return kernel_matrix(X, Z, kernel, gamma, degree, coef0)
    return np.exp(-gamma * np.sqrt(((X[:, None, :] - Z[None, :, :]) ** 2).sum(-1)))


def _poly_without_coef0(X, Z, kernel="rbf", gamma=1.0, degree=3, coef0=1.0):
    from reference_impls.numpy.kernel_svm import kernel_matrix

    return kernel_matrix(X, Z, kernel, gamma, degree, 0.0 if kernel == "poly" else coef0)


# -- the dual -------------------------------------------------------------------------------------------

FITS = [  # (seed, N, D, kernel, kwargs, C)
    (17100, 40, 2, "linear", {}, 1.0),
    (17101, 60, 3, "rbf", {"gamma": 0.5}, 1.0),
    (17102, 50, 2, "poly", {"gamma": 0.5, "degree": 3, "coef0": 1.0}, 0.5),
    (17103, 60, 4, "rbf", {"gamma": 0.2}, 10.0),
    (17104, 30, 2, "linear", {}, 0.05),
]


def fit_cases():
    from reference_impls.numpy.kernel_svm import kernel_matrix

    for seed, n, d, kernel, kw, C in FITS:
        X, y = _standardized(seed, n, 2, d)
        X_test = np.random.default_rng(seed).standard_normal((15, d))
        yield Case(
            f"{_name(kernel, kw)}_C{C:g}_N{n}",
            (kernel_matrix(X, X, kernel, **kw), np.where(y == 1, 1.0, -1.0), C, kernel_matrix(X_test, X, kernel, **kw)),
            seed=seed,
            note="small C: most points are bounded support vectors (alpha = C)" if C < 0.1 else "",
        )


SMO_STEPS = [  # (seed, N, D, kernel, kwargs, C, max_iter, note)
    (17110, 12, 2, "rbf", {"gamma": 0.5}, 10.0, 5, "5 pair updates from alpha = 0; b from the free vectors"),
    (17111, 10, 2, "poly", {"gamma": 0.5, "degree": 2, "coef0": 1.0}, 1.0, 3, "3 pair updates; alpha below 1"),
    (17112, 15, 3, "linear", {}, 0.05, 1, "one pair update, clipped at C: no free vector, b by the midpoint rule"),
    (7, 14, 2, "linear", {}, 0.05, 1000, "run to the end: every alpha at 0 or C, b by the midpoint rule"),
]


def smo_step_cases():
    """Small problems, few SMO iterations: the prescribed (alpha, b) exactly (unbalanced labels)."""
    from reference_impls.numpy.kernel_svm import kernel_matrix

    for seed, n, d, kernel, kw, C, max_iter, note in SMO_STEPS:
        rng = np.random.default_rng(seed)
        X = rng.standard_normal((n, d))
        y = np.where(rng.random(n) < 0.4, 1.0, -1.0)
        yield Case(
            f"{_name(kernel, kw)}_C{C:g}_N{n}_max_iter{max_iter}",
            (kernel_matrix(X, X, kernel, **kw), y),
            {"C": C, "tol": 1e-5, "max_iter": max_iter},
            seed=seed,
            note=note,
        )


def _fit(impl, K, y, C, K_test):
    """The learner's (alpha, b) judged: feasibility, the dual objective, the decision values on test points."""
    alpha, b = impl.fit_svm(K, y, C=C, tol=FIT_TOL)
    alpha, b = np.asarray(alpha, dtype=np.float64).reshape(-1), float(b)
    v = alpha * y
    return {
        "alpha_in_box": bool(np.all(alpha >= -1e-9 * C) and np.all(alpha <= C * (1 + 1e-9))),
        "sum_alpha_y_is_0": bool(abs(v.sum()) <= 1e-8 * max(1.0, C * len(y))),
        "dual_objective": float(alpha.sum() - 0.5 * v @ K @ v),
        "decision_values": K_test @ v + b,
    }


def _fit_compare(expected, actual, case):
    if not isinstance(actual, dict):
        return f"fit_svm must return (alpha, b), got {type(actual).__name__}"
    if not actual["alpha_in_box"]:
        return "some alpha_i is outside [0, C]"
    if not actual["sum_alpha_y_is_0"]:
        return "sum(alpha * y) is not 0: the equality constraint of the dual is broken"
    want, got = expected["dual_objective"], actual["dual_objective"]
    if not got >= want - 1e-6 * max(1.0, abs(want)):
        return f"dual objective {got:.8g} below the reference's {want:.8g}: not at the optimum (KKT gap above tol?)"
    diff = np.abs(actual["decision_values"] - expected["decision_values"])
    if not diff.max() <= 1e-3:
        return f"decision values on the test points differ by up to {diff.max():.3g} (tolerance 1e-3)"
    return None


def _b_only_wrong(case, actual, expected):
    """The dual is optimal, yet the decision values are off by (nearly) the same constant: b is wrong."""
    try:
        diff = actual["decision_values"] - expected["decision_values"]
        optimal = actual["dual_objective"] >= expected["dual_objective"] - 1e-6 * max(
            1.0, abs(expected["dual_objective"])
        )
        return optimal and np.abs(diff).max() > 1e-3 and np.ptp(diff) < 1e-3
    except (TypeError, KeyError, IndexError, ValueError):
        return False


def _flag(name):
    def when(case, actual, expected):
        return isinstance(actual, dict) and actual.get(name) is False

    return when


# -- decision function and one-vs-one -------------------------------------------------------------------------


def decision_cases():
    for j, (n, m) in enumerate([(8, 5), (3, 1)]):
        rng = np.random.default_rng(17200 + j)
        y = np.where(rng.random(n) < 0.5, 1.0, -1.0)
        alpha = rng.uniform(0, 1, n) * (rng.random(n) < 0.6)
        yield Case(f"N{n}_M{m}", (rng.standard_normal((m, n)), alpha, y, 0.3), seed=17200 + j)


def _decision_without_labels(K_test, alpha, y, b):
    return K_test @ alpha + b


OVO = [  # (seed, N train, classes, D, C, kernel, kwargs)
    (17300, 60, 3, 2, 1.0, "rbf", {"gamma": 0.5}),
    (17301, 60, 4, 3, 10.0, "rbf", {"gamma": 0.3}),
    (17302, 45, 3, 2, 1.0, "linear", {}),
    (17303, 48, 2, 3, 1.0, "poly", {"gamma": 0.5, "degree": 2, "coef0": 1.0}),
]


def ovo_cases():
    from reference_impls.numpy.kernel_svm import (
        decision_function,
        fit_svm,
        kernel_matrix,
    )

    for seed, n, k, d, C, kernel, kw in OVO:
        X, y = _standardized(seed, n, k, d, spread=1.5, sep=2.5)
        X_test = np.random.default_rng(seed).standard_normal((40, d)) * 1.3
        clear = np.ones(len(X_test), dtype=bool)  # keep test points no pair's SVM puts within 0.05 of its boundary
        for c1 in range(k):
            for c2 in range(c1 + 1, k):
                rows = (y == c1) | (y == c2)
                yp = np.where(y[rows] == c1, 1.0, -1.0)
                alpha, b = fit_svm(kernel_matrix(X[rows], X[rows], kernel, **kw), yp, C)
                clear &= np.abs(decision_function(kernel_matrix(X_test, X[rows], kernel, **kw), alpha, yp, b)) > 0.05
        yield Case(
            f"{k}_classes_{_name(kernel, kw)}_C{C:g}",
            (X, y, X_test[clear], C, kernel),
            dict(kw),
            seed=seed,
            note=f"{k * (k - 1) // 2} pairwise SVMs vote; in the pair (c1 < c2) c1 is +1; ties go to the lower class",
        )


def _fit_ties_last(K, y, C=1.0, tol=1e-3, max_iter=100_000):
    """SMO whose argmax / argmin take the LAST index on ties (libsvm's loops compare with >=): the
    prescribed SMO on the samples in reverse order, mapped back."""
    from reference_impls.numpy.kernel_svm import fit_svm

    alpha, b = fit_svm(K[::-1, ::-1], y[::-1], C, tol, max_iter)
    return alpha[::-1].copy(), b


def _fit_rho(K, y, C=1.0, tol=1e-3, max_iter=100_000):
    from reference_impls.numpy.kernel_svm import fit_svm

    alpha, b = fit_svm(K, y, C, tol, max_iter)
    return alpha, -b


def _ovo_second_class_positive(X_train, y_train, X_test, C=1.0, kernel="rbf", gamma=1.0, degree=3, coef0=1.0):
    from reference_impls.numpy.kernel_svm import decision_function, fit_svm, kernel_matrix

    classes = np.unique(y_train)
    votes = np.zeros((len(X_test), len(classes)), dtype=np.int64)
    for p, c1 in enumerate(classes):
        for q in range(p + 1, len(classes)):
            rows = (y_train == c1) | (y_train == classes[q])
            Xp, yp = X_train[rows], np.where(y_train[rows] == classes[q], 1.0, -1.0)
            alpha, b = fit_svm(kernel_matrix(Xp, Xp, kernel, gamma, degree, coef0), yp, C)
            f = decision_function(kernel_matrix(X_test, Xp, kernel, gamma, degree, coef0), alpha, yp, b)
            votes[f > 0, p] += 1
            votes[f <= 0, q] += 1
    return classes[np.argmax(votes, axis=1)]


EXERCISE = Exercise.of(
    info("kernel_svm"),
    task="""The soft-margin SVM in its dual form, where the data enter only through a kernel, as
sklearn.svm.SVC (libsvm). X arrays are float64 (N, D); labels y are +1 / -1 floats.

1. kernel_matrix(X, Z, kernel, gamma, degree, coef0) -> (N, M): 'linear' x.z, 'poly'
   (gamma x.z + coef0)^degree, 'rbf' exp(-gamma ||x - z||^2) (vectorize: no Python loop).
2. fit_svm(K, y, C, tol, max_iter) -> (alpha (N,), b) solving, with Q_ij = y_i y_j K_ij,
       min 1/2 a^T Q a - sum(a)   subject to   0 <= a_i <= C,  sum(y_i a_i) = 0.
   SMO: start at a = 0 and keep G = Q a - 1; each iteration (at most max_iter), pick i = argmax of
   -y_t G_t over I_up = {a_t < C, y_t = +1 or a_t > 0, y_t = -1} and j = argmin over
   I_low = {a_t < C, y_t = -1 or a_t > 0, y_t = +1}; stop when the gap (-y_i G_i) - (-y_j G_j) < tol;
   else move a_i += y_i t, a_j -= y_j t with t = gap / (K_ii + K_jj - 2 K_ij) clipped so both stay
   in [0, C], and update G. Then b = mean of -y_t G_t over the free vectors (0 < a_t < C), or the
   midpoint of the last max and min without any. Ties in argmax / argmin go to the lowest index (as
   np.argmax): at a = 0 every -y_t G_t is y_t.
3. decision_function(K_test, alpha, y, b): K_test (M, N) @ (alpha * y) + b.
4. fit_predict_ovo(X_train, y_train, X_test, C, kernel, gamma, degree, coef0): classes 0..K-1;
   one SVM per pair c1 < c2 (c1 as +1), each test point votes c1 if its decision value > 0 else c2;
   predict the class with the most votes (ties: the lowest class), as SVC.

Checked: the kernel matrices; fit_svm at tol=1e-5 (alpha in the box, sum(alpha y) = 0, the dual
objective at the reference's optimum, decision values within 1e-3) and, on small problems, (alpha, b)
after 1 to 5 iterations; decision_function; the
one-vs-one predictions on 2-4 classes. Step 6 of the capstone: compare with SVC on Iris, Wine and
Breast Cancer (tests/reference/test_kernel_svm_reference.py does).""",
    entry_points=(
        EntryPoint(
            "kernel_matrix",
            "(X, Z, kernel='rbf', gamma=1.0, degree=3, coef0=1.0)",
            "The (N, M) kernel matrix, float64.",
        ),
        EntryPoint(
            "fit_svm",
            "(K, y, C=1.0, tol=1e-3, max_iter=100_000)",
            "(alpha (N,), b) of the dual SVM on the training kernel K.",
        ),
        EntryPoint("decision_function", "(K_test, alpha, y, b)", "(M,) decision values."),
        EntryPoint(
            "fit_predict_ovo",
            "(X_train, y_train, X_test, C=1.0, kernel='rbf', gamma=1.0, degree=3, coef0=1.0)",
            "(M,) predicted classes by one-vs-one voting.",
        ),
    ),
    checks=(
        Check(
            "kernels",
            "kernel_matrix",
            kernel_cases,
            description="linear; poly degree 2 (coef0 1) and 3 (coef0 0); rbf gamma 0.5 / 2; X with itself",
        ),
        Check(
            "smo_steps",
            "fit_svm",
            smo_step_cases,
            description="N 10-15, 1 to 5 SMO iterations from alpha = 0 (and one run to the end with every alpha at "
            "a bound): the prescribed (alpha, b)",
        ),
        Check(
            "fit",
            "fit_svm",
            fit_cases,
            call=_fit,
            compare=_fit_compare,
            description="linear C 1 / 0.05, rbf C 1 / 10, poly C 0.5; N 30-60: feasibility, dual optimum, "
            "decision values within 1e-3",
        ),
        Check("decision", "decision_function", decision_cases, description="8 and 3 training points"),
        Check(
            "ovo",
            "fit_predict_ovo",
            ovo_cases,
            check_dtype=False,
            description="3 and 4 classes (rbf), 3 (linear), 2 (poly): predictions on test points clear of every boundary",
        ),
    ),
    probes=(
        Probe(
            "rbf uses the SQUARED distance: exp(-gamma ||x - z||^2)",
            impl="wrong/kernel_svm/rbf_not_squared.py",
            checks=("kernels",),
        ),
        Probe(
            "rbf uses the SQUARED distance: exp(-gamma ||x - z||^2)",
            impl={"kernel_matrix": _rbf_not_squared},
            checks=("kernels",),
        ),
        Probe(
            "the polynomial kernel is (gamma x.z + coef0)^degree: coef0 is missing",
            impl={"kernel_matrix": _poly_without_coef0},
            checks=("kernels",),
        ),
        Probe(
            "alpha must stay in the box [0, C]: clip the step t so that neither a_i nor a_j leaves it (C is what "
            "makes the margin soft)",
            when=_flag("alpha_in_box"),
            checks=("fit",),
        ),
        Probe(
            "sum(alpha * y) must stay 0: change alphas in pairs, a_i += y_i t and a_j -= y_j t",
            when=_flag("sum_alpha_y_is_0"),
            checks=("fit",),
        ),
        Probe(
            "alpha is optimal but b is not: b = mean over the free vectors (0 < a_t < C) of -y_t G_t, i.e. of "
            "y_t - sum_s a_s y_s K_st",
            when=_b_only_wrong,
            checks=("fit",),
        ),
        Probe(
            "ties in the working-set choice go to the LOWEST index (np.argmax's rule, strict > in a loop); a "
            "literal port of libsvm's select_working_set (>=) takes the last one",
            impl={"fit_svm": _fit_ties_last},
            checks=("smo_steps",),
        ),
        Probe(
            "b has the wrong sign: libsvm's rho is minus the intercept (decision = sum a_i y_i K_i - rho); return "
            "b = -rho, the mean of -y_t G_t over the free vectors",
            impl={"fit_svm": _fit_rho},
            checks=("smo_steps", "fit"),
        ),
        Probe(
            "in each pair (c1 < c2) class c1 is the +1 side: a test point with a decision value > 0 votes c1",
            impl={"fit_predict_ovo": _ovo_second_class_positive},
            checks=("ovo",),
        ),
        Probe(
            "(alpha, b) after a few SMO iterations differ from the prescribed ones: start at alpha = 0, pick the "
            "maximal violating pair (ties: the lowest index), step t = gap / (K_ii + K_jj - 2 K_ij) clipped to the "
            "box, count one iteration per pair, and take b from the free vectors (else the midpoint)",
            when=lambda case, actual, expected: True,
            checks=("smo_steps",),
        ),
        Probe(
            "the decision function weights each kernel column by alpha_i * y_i, not alpha_i",
            impl={"decision_function": _decision_without_labels},
            checks=("decision",),
        ),
    ),
    equivalent_mutants=(
        # y is +1 / -1 (the task's contract): its sign is taken once (pos, which the working sets I_up / I_low
        # and the box limits read), and y > 0 is the same as y >= 0 or y > -1 there.
        *(Equivalent("fit_svm", "pos = y > 0", edit, "y is +1 or -1, never 0") for edit in ("y >= 0", "y > (-1)")),
        Equivalent(
            "fit_svm",
            "if gap < tol:",
            "gap <= tol",
            "a gap of exactly tol has probability 0: the same iterations on real-valued kernels",
        ),
        Equivalent(
            "kernel_matrix",
            "np.exp(-gamma * np.maximum(sq, 0))",
            "np.maximum(sq, -1)",
            "||x - z||^2 >= 0: the clamp only removes rounding (|sq| ~ 1e-15 where x = z), which exp turns into "
            "1 + 1e-15; no squared distance lies in [-1, 0) otherwise",
        ),
        Equivalent(
            "fit_predict_ovo",
            "votes = np.zeros((len(X_test), len(classes)), dtype=np.int64)",
            "votes = np.zeros((len(X_test), len(classes)))",  # dtype= deleted
            "vote counts are small integers, exact in float64: the argmax is the same",
        ),
        Equivalent(
            "fit_predict_ovo",
            "votes[f > 0, p] += 1",
            "f >= 0",
            "a decision value of exactly 0 has probability 0 (the test points are clear of every boundary)",
        ),
        Equivalent(
            "fit_predict_ovo",
            "votes[f <= 0, q] += 1",
            "f < 0",
            "a decision value of exactly 0 has probability 0 (the test points are clear of every boundary)",
        ),
    ),
)
