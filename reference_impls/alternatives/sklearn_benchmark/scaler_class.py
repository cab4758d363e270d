"""Correct, in the style of a harness built on scikit-learn's API shapes: a small StandardScaler
look-alike (fit computes mean_ and scale_ on the training rows, scale_ of a constant column set to 1 as
sklearn's _handle_zeros_in_scale does; transform applies them), a split written with a boolean test
mask, and accuracy_score as np.mean(y_pred == y_true). Follows the task's draw order: one Generator,
the classes in np.unique order, each class's rows permuted and its first int(test_fraction * n_c)
taken for the test set."""

import numpy as np


class _StandardScaler:
    def fit(self, X):
        self.mean_ = X.mean(axis=0)
        scale = np.sqrt(((X - self.mean_) ** 2).mean(axis=0))
        scale[scale == 0.0] = 1.0
        self.scale_ = scale
        return self

    def transform(self, X):
        return (X - self.mean_) / self.scale_


def stratified_split(y, test_fraction=0.25, seed=0):
    rng = np.random.default_rng(seed)
    is_test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        n_test = int(test_fraction * len(members))
        is_test[members[:n_test]] = True
    return np.flatnonzero(~is_test).astype(np.int64), np.flatnonzero(is_test).astype(np.int64)


def standardize(X_train, X_test):
    scaler = _StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test)


def _accuracy_score(y_true, y_pred):
    return float(np.mean(np.asarray(y_pred) == np.asarray(y_true)))


def benchmark(models, datasets, test_fraction=0.25, seed=0):
    report = {}
    for dataset, (X, y) in datasets.items():
        train_idx, test_idx = stratified_split(y, test_fraction=test_fraction, seed=seed)
        X_train, X_test = standardize(X[train_idx], X[test_idx])
        y_train, y_test = y[train_idx], y[test_idx]
        report[dataset] = {
            name: _accuracy_score(y_test, make().fit(X_train, y_train).predict(X_test)) for name, make in models.items()
        }
    return report
