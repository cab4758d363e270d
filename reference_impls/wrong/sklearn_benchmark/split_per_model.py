"""Wrong: draws a fresh split for every model, so the models are compared on different test rows."""

import numpy as np

from reference_impls.numpy.sklearn_benchmark import standardize, stratified_split

EXPECTED_HINT = "each model got its own split"


def benchmark(models, datasets, test_fraction=0.25, seed=0):
    results = {}
    for data_name, (X, y) in datasets.items():
        results[data_name] = {}
        for k, (model_name, factory) in enumerate(models.items()):
            train, test = stratified_split(y, test_fraction, seed + k)  # the mistake: a split per model
            X_train, X_test = standardize(X[train], X[test])
            model = factory().fit(X_train, y[train])
            results[data_name][model_name] = float(np.mean(model.predict(X_test) == y[test]))
    return results
