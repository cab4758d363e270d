"""Exercise: module 0.1's step 6, a benchmark of from-scratch models against scikit-learn's on one shared split.

scikit-learn is not needed to run the checks: its accuracies on the checks' split are constants here
(SKLEARN_ACCURACY), which tests/reference/test_sklearn_benchmark_reference.py recomputes with
scikit-learn, so they cannot drift from what sklearn gives.
"""

from functools import cache

import numpy as np

from reference_impls.catalog import info
from reference_impls.data import digits_split
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe

# sklearn.naive_bayes.GaussianNB and sklearn.neighbors.NearestCentroid on benchmark()'s split of each dataset
# (test_fraction 0.25, seed 0, standardized); recomputed with scikit-learn by the reference test.
SKLEARN_ACCURACY = {
    "digits": {"gaussian_nb": 0.8112359550561797, "nearest_centroid": 0.8898876404494382},
    "blobs": {"gaussian_nb": 0.8166666666666667, "nearest_centroid": 0.7833333333333333},
}
MARGIN = 0.02  # a correct harness reproduces sklearn's accuracy with the from-scratch models to within this


class ScratchGaussianNB:
    """Gaussian naive Bayes from scratch (reference_impls/numpy/naive_bayes.py) behind sklearn's fit / predict."""

    def fit(self, X, y):
        from reference_impls.numpy.naive_bayes import fit_gaussian_nb

        self.params = fit_gaussian_nb(X, y)
        return self

    def predict(self, X):
        from reference_impls.numpy.naive_bayes import predict

        return predict(X, *self.params)


class ScratchNearestCentroid:
    """Each class's mean; predicts the class of the nearest one (Euclidean), as sklearn's NearestCentroid."""

    def fit(self, X, y):
        self.classes = np.unique(y)
        self.centroids = np.stack([X[y == c].mean(axis=0) for c in self.classes])
        return self

    def predict(self, X):
        d = ((X[:, None, :] - self.centroids[None]) ** 2).sum(axis=2)
        return self.classes[d.argmin(axis=1)]


class Majority:
    """Predicts the most frequent training class: the floor any model must beat."""

    def fit(self, X, y):
        self.label = np.bincount(y).argmax()
        return self

    def predict(self, X):
        return np.full(len(X), self.label)


MODELS = {"gaussian_nb": ScratchGaussianNB, "nearest_centroid": ScratchNearestCentroid}


@cache
def datasets():
    """{"digits": the shipped 8x8 digits (1,797 x 64), "blobs": 3 overlapping Gaussian classes in 6-D (240 rows)}."""
    X_train, y_train, X_test, y_test = digits_split()
    digits = (np.concatenate([X_train, X_test]).reshape(-1, 64).astype(np.float64), np.concatenate([y_train, y_test]))
    rng = np.random.default_rng(3100)
    y = np.repeat(np.arange(3), [100, 80, 60])
    X = rng.standard_normal((240, 6)) * np.array([1, 1, 1, 5, 0.1, 2]) + np.eye(3, 6)[y] * 2.0 + 7.0
    return {"digits": digits, "blobs": (X, y)}


def split_cases():
    rng = np.random.default_rng(3200)
    yield Case(
        "three_classes",
        (np.repeat(np.arange(3), [10, 7, 4]),),
        {"test_fraction": 0.25, "seed": 0},
        note="21 rows: int(0.25 n_c) = 2, 1, 1 test rows per class",
    )
    yield Case("shuffled_labels", (rng.integers(0, 4, 50),), {"test_fraction": 0.3, "seed": 5}, seed=3200)
    yield Case(
        "a_single_row_class",
        (np.array([2, 0, 0, 1, 0, 0, 2, 0]),),
        {"test_fraction": 0.5, "seed": 1},
        note="class 1 has one row: int(0.5) = 0 of it in the test set",
    )


def scale_cases():
    rng = np.random.default_rng(3300)
    yield Case("random", (rng.standard_normal((20, 4)) * 3 + 1, rng.standard_normal((6, 4)) * 3 + 1), seed=3300)
    X = rng.standard_normal((10, 3))
    X[:, 1] = 4.0
    yield Case(
        "constant_column",
        (X, rng.standard_normal((4, 3))),
        seed=3300,
        note="a constant training column: its std is 0, scaled by 1 instead",
    )
    yield Case(
        "test_far_off",
        (rng.standard_normal((12, 2)), rng.standard_normal((5, 2)) + 100.0),
        seed=3300,
        note="test rows far from the training rows: only the training statistics are used",
    )


def bench_cases():
    yield Case(
        "blobs_three_models",
        (),
        {
            "names": ("blobs",),
            "models": ("gaussian_nb", "nearest_centroid", "majority"),
            "test_fraction": 0.25,
            "seed": 0,
        },
    )
    yield Case(
        "blobs_other_split",
        (),
        {"names": ("blobs",), "models": ("nearest_centroid", "majority"), "test_fraction": 0.4, "seed": 9},
        note="another seed and test share",
    )


def _models(names):
    table = {**MODELS, "majority": Majority}
    return {name: table[name] for name in names}


def _bench(impl, names, models, test_fraction, seed):
    data = {name: tuple(a.copy() for a in datasets()[name]) for name in names}
    out = impl.benchmark(_models(models), data, test_fraction=test_fraction, seed=seed)
    return {d: {m: np.float64(out[d][m]) for m in models} for d in names}


def sklearn_cases():
    yield Case("digits_and_blobs", (), note="Gaussian NB and nearest centroid from scratch vs sklearn's, same split")


def _vs_sklearn(impl):
    data = {name: tuple(a.copy() for a in arrays) for name, arrays in datasets().items()}
    return impl.benchmark(dict(MODELS), data, test_fraction=0.25, seed=0)


def _judge_sklearn(expected, actual, case):
    for data_name, scores in SKLEARN_ACCURACY.items():
        for model, theirs in scores.items():
            mine = actual[data_name][model]
            if abs(mine - theirs) > MARGIN:
                return (
                    f"{data_name} / {model}: accuracy {mine:.3f}, sklearn's {theirs:.3f} on the same split "
                    f"(off by more than {MARGIN})"
                )
    return None


# -- known mistakes -----------------------------------------------------------------------------------------


def _scale_with_all_rows(X_train, X_test):
    both = np.concatenate([X_train, X_test])
    mean, std = both.mean(axis=0), both.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    return (X_train - mean) / std, (X_test - mean) / std


def _split_not_stratified(y, test_fraction=0.25, seed=0):
    rows = np.random.default_rng(seed).permutation(len(y))
    k = int(test_fraction * len(y))
    return np.sort(rows[k:]).astype(np.int64), np.sort(rows[:k]).astype(np.int64)


def _scale_sample_std(X_train, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1) if len(X_train) > 1 else X_train.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    return (X_train - mean) / std, (X_test - mean) / std


def _scale_each_by_its_own(X_train, X_test):
    from reference_impls.numpy.sklearn_benchmark import standardize

    return standardize(X_train, X_train)[0], standardize(X_test, X_test)[0]


def _split_variant(fresh_rng_per_class=False, rounded=False):
    def split(y, test_fraction=0.25, seed=0):
        rng = np.random.default_rng(seed)
        train, test = [], []
        for c in np.unique(y):
            draw = np.random.default_rng(seed) if fresh_rng_per_class else rng
            rows = draw.permutation(np.flatnonzero(y == c))
            k = int(round(test_fraction * len(rows))) if rounded else int(test_fraction * len(rows))
            test.append(rows[:k])
            train.append(rows[k:])
        return np.sort(np.concatenate(train)).astype(np.int64), np.sort(np.concatenate(test)).astype(np.int64)

    return split


EXERCISE = Exercise.of(
    info("sklearn_benchmark"),
    preamble="import numpy as np\n",
    task=f"""Module 0.1's step 6 benchmarks your from-scratch models against scikit-learn's. A benchmark is only
fair when every model sees the same split and the same preprocessing; write the harness:

1. `stratified_split(y, test_fraction=0.25, seed=0)`: (train_idx, test_idx), sorted int64 arrays.
   One rng = np.random.default_rng(seed); for each class c in np.unique(y) order, rng.permutation of
   its row indices (np.flatnonzero(y == c)); the first int(test_fraction * n_c) go to the test set,
   the rest to training. Every class keeps its share on both sides.
2. `standardize(X_train, X_test)`: both scaled by the TRAINING columns' mean and population std (a
   column with std 0 divided by 1), as StandardScaler().fit(X_train) would: the test rows must not
   leak into the statistics.
3. `benchmark(models, datasets, test_fraction=0.25, seed=0)`: models {{name: factory}}, factory() a
   fresh object with fit(X, y) and predict(X) (sklearn's API: your classes and sklearn's estimators
   both fit); datasets {{name: (X, y)}}. For each dataset: one stratified split, standardize, then
   every model fit on the training rows; return {{dataset: {{model: test accuracy (a float)}}}}.

Milestone: on the shipped 8x8 digits and a generated 3-class set, with the from-scratch Gaussian naive
Bayes and nearest centroid the check passes in, your harness must reproduce scikit-learn's
accuracies on the same split (stored in the exercise, recomputed with scikit-learn by the tests) to
within {MARGIN}. Run it yourself with sklearn's GaussianNB, LogisticRegression, DecisionTreeClassifier
next to your own models, on load_iris / load_wine / load_breast_cancer.

The reference: reference_impls/numpy/sklearn_benchmark.py.""",
    entry_points=(
        EntryPoint(
            "stratified_split",
            "(y, test_fraction=0.25, seed=0)",
            "(train_idx, test_idx): sorted int64; int(test_fraction * n_c) test rows of each class.",
        ),
        EntryPoint("standardize", "(X_train, X_test)", "Both scaled by the training rows' mean and std."),
        EntryPoint(
            "benchmark",
            "(models, datasets, test_fraction=0.25, seed=0)",
            "{dataset: {model: test accuracy}}: one split per dataset shared by every model.",
        ),
    ),
    checks=(
        Check(
            "stratified_split",
            "stratified_split",
            split_cases,
            description="three classes, shuffled labels, a class of one row",
        ),
        Check(
            "standardize",
            "standardize",
            scale_cases,
            description="random, a constant column, test rows far from the training rows",
        ),
        Check(
            "benchmark",
            "benchmark",
            bench_cases,
            call=_bench,
            description="three models on one generated set; another seed and test share",
        ),
        Check(
            "vs_sklearn",
            "benchmark",
            sklearn_cases,
            call=_vs_sklearn,
            compare=_judge_sklearn,
            reference_output=False,
            description=f"digits and blobs: within {MARGIN} of sklearn's GaussianNB and NearestCentroid",
        ),
    ),
    probes=(
        Probe(
            "the test rows leaked into the scaling: compute the mean and std on X_train only and apply them to both",
            impl={"standardize": _scale_with_all_rows},
            checks=("standardize",),
        ),
        Probe(
            "the split is not stratified: draw int(test_fraction * n_c) test rows from each class in turn "
            "(one rng, classes in np.unique order)",
            impl={"stratified_split": _split_not_stratified},
            checks=("stratified_split",),
        ),
        Probe(
            "StandardScaler divides by the POPULATION std (ddof=0, np.std's default), not the sample std (ddof=1, "
            "pandas' default)",
            impl={"standardize": _scale_sample_std},
            checks=("standardize",),
        ),
        Probe(
            "X_test was scaled by its own mean and std: fit the statistics on X_train and apply those same numbers "
            "to the test rows (fit on train, transform both)",
            impl={"standardize": _scale_each_by_its_own},
            checks=("standardize",),
        ),
        Probe(
            "one rng for the whole split: a fresh np.random.default_rng(seed) per class repeats the same draws in "
            "every class",
            impl={"stratified_split": _split_variant(fresh_rng_per_class=True)},
            checks=("stratified_split",),
        ),
        Probe(
            "each class's test count is int(test_fraction * n_c), truncated, not rounded",
            impl={"stratified_split": _split_variant(rounded=True)},
            checks=("stratified_split",),
        ),
        Probe(
            "each model got its own split: split (and scale) once per dataset, then fit every model on that split",
            impl="wrong/sklearn_benchmark/split_per_model.py",
            checks=("benchmark",),
        ),
    ),
)
