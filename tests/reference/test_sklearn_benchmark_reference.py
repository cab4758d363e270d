"""The benchmark harness against scikit-learn: its scaler, its stratified split's shares, its models' accuracies."""

import numpy as np
import pytest

from reference_impls.numpy import sklearn_benchmark as sb

sklearn = pytest.importorskip("sklearn")


def test_standardize_equals_standard_scaler_fit_on_the_training_rows():
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    X_train, X_test = rng.standard_normal((30, 5)) * 4 + 2, rng.standard_normal((7, 5)) + 9
    X_train[:, 2] = 1.5  # constant: sklearn scales it by 1 as well
    scaler = StandardScaler().fit(X_train)
    a, b = sb.standardize(X_train, X_test)
    np.testing.assert_allclose(a, scaler.transform(X_train), atol=1e-12)
    np.testing.assert_allclose(b, scaler.transform(X_test), atol=1e-12)


def test_the_split_keeps_each_class_share_like_train_test_split():
    from sklearn.model_selection import train_test_split

    y = np.repeat(np.arange(4), [40, 24, 16, 8])
    train, test = sb.stratified_split(y, test_fraction=0.25, seed=3)
    assert np.intersect1d(train, test).size == 0 and len(train) + len(test) == len(y)
    _, y_test = train_test_split(y, test_size=0.25, stratify=y, random_state=0)
    np.testing.assert_array_equal(np.bincount(y[test]), np.bincount(y_test))


def test_the_stored_sklearn_accuracies_are_sklearns():
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import NearestCentroid

    from reference_impls.exercises.sklearn_benchmark import MODELS, SKLEARN_ACCURACY, datasets

    theirs = sb.benchmark({"gaussian_nb": GaussianNB, "nearest_centroid": NearestCentroid}, datasets())
    mine = sb.benchmark(MODELS, datasets())
    for data_name, scores in SKLEARN_ACCURACY.items():
        for model, stored in scores.items():
            assert theirs[data_name][model] == pytest.approx(stored)
            assert mine[data_name][model] == pytest.approx(stored)
