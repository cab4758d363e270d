"""Wrong: fits the scaler on the training and test rows together (test statistics leak into training)."""

import numpy as np

from reference_impls.numpy.sklearn_benchmark import stratified_split

EXPECTED_HINT = "the test rows leaked into the scaling"


def standardize(X_train, X_test):
    both = np.concatenate([X_train, X_test])  # the mistake: statistics over every row
    mean, std = both.mean(axis=0), both.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    return (X_train - mean) / std, (X_test - mean) / std


def benchmark(models, datasets, test_fraction=0.25, seed=0):
    results = {}
    for data_name, (X, y) in datasets.items():
        train, test = stratified_split(y, test_fraction, seed)
        X_train, X_test = standardize(X[train], X[test])
        results[data_name] = {}
        for model_name, factory in models.items():
            model = factory().fit(X_train, y[train])
            results[data_name][model_name] = float(np.mean(model.predict(X_test) == y[test]))
    return results
