"""Wrong: scales by the sample std (ddof=1, what pandas' DataFrame.std gives), not StandardScaler's population std."""

import numpy as np

from reference_impls.numpy.sklearn_benchmark import benchmark, stratified_split  # noqa: F401 - right

EXPECTED_HINT = "StandardScaler divides by the POPULATION std"


def standardize(X_train, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)  # the mistake: ddof=1
    std = np.where(std == 0, 1.0, std)
    return (X_train - mean) / std, (X_test - mean) / std
