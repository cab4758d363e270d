"""Wrong: fit_transform on each side, so the test rows are scaled by their own mean and std."""

import numpy as np

from reference_impls.numpy.sklearn_benchmark import benchmark, stratified_split  # noqa: F401 - right

EXPECTED_HINT = "X_test was scaled by its own mean and std"
ALSO_APPLIES = ("part of the output is right",)


def _fit_transform(X):
    std = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(std == 0, 1.0, std)


def standardize(X_train, X_test):
    return _fit_transform(X_train), _fit_transform(X_test)  # the mistake: the test rows' own statistics
