"""A benchmark harness for from-scratch models against scikit-learn's: one stratified split, scaling, accuracy.

Module 0.1's capstone step 6. Every model of a benchmark must see the same split and the same
preprocessing, or the comparison measures the split: `stratified_split` draws a test share of each
class (sklearn.model_selection.train_test_split(stratify=y) in spirit; its own, documented draw
order, so the split is reproducible without scikit-learn), `standardize` scales with the training
rows' statistics only (StandardScaler fit on the training set: the test rows must not leak into
it), and `benchmark` fits each model (sklearn's API: fit(X, y), predict(X)) on every dataset and
reports its test accuracy.

tests/reference/test_sklearn_benchmark_reference.py checks `standardize` against
sklearn.preprocessing.StandardScaler, the split's class shares against train_test_split's, and the
from-scratch models' accuracies (Gaussian naive Bayes, nearest centroid) against sklearn's on the
same split. Limits: classification and accuracy only; one split, no repeated runs.
"""

import numpy as np


def stratified_split(y, test_fraction=0.25, seed=0):
    """(train_idx, test_idx), sorted int64: int(test_fraction * n_c) random rows of each class c go to the test set.

    One rng = np.random.default_rng(seed); the classes in np.unique order; each class's row indices
    (ascending) shuffled by rng.permutation; the first int(test_fraction * n_c) of them are its test rows.
    """
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == c))
        k = int(test_fraction * len(rows))
        test.append(rows[:k])
        train.append(rows[k:])
    return np.sort(np.concatenate(train)).astype(np.int64), np.sort(np.concatenate(test)).astype(np.int64)


def standardize(X_train, X_test):
    """(X_train, X_test) scaled by the training columns' mean and (population) std; a constant column by 1."""
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    return (X_train - mean) / std, (X_test - mean) / std


def benchmark(models, datasets, test_fraction=0.25, seed=0):
    """{dataset: {model: test accuracy}}: each dataset split once, standardized, every model fit on that split.

    models: {name: factory}, factory() -> a fresh object with fit(X, y) and predict(X).
    datasets: {name: (X, y)}.
    """
    results = {}
    for data_name, (X, y) in datasets.items():
        train, test = stratified_split(y, test_fraction, seed)
        X_train, X_test = standardize(X[train], X[test])
        results[data_name] = {}
        for model_name, factory in models.items():
            model = factory()
            model.fit(X_train, y[train])
            results[data_name][model_name] = float(np.mean(model.predict(X_test) == y[test]))
    return results
