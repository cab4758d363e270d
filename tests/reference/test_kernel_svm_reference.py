"""The kernel SVM against scikit-learn's SVC (libsvm) on Iris, Wine and Breast Cancer (which ship
with scikit-learn): kernels, support set, dual coefficients, intercept, decision values, one-vs-one
predictions and accuracy."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.metrics.pairwise import linear_kernel, polynomial_kernel, rbf_kernel
from sklearn.svm import SVC

from reference_impls.numpy import kernel_svm as ks

LOADERS = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer}
KERNELS = [("linear", {}), ("poly", {"gamma": 0.1, "degree": 3, "coef0": 1.0}), ("rbf", {"gamma": 0.1})]


def split(name, n_train=100, n_test=60, seed=0):
    X, y = LOADERS[name](return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    idx = np.random.default_rng(seed).permutation(len(X))
    return X[idx[:n_train]], y[idx[:n_train]], X[idx[n_train : n_train + n_test]], y[idx[n_train : n_train + n_test]]


def test_kernels_match_sklearn():
    X, _, Z, _ = split("wine")
    np.testing.assert_allclose(ks.kernel_matrix(X, Z, "linear"), linear_kernel(X, Z), rtol=1e-12)
    for gamma, degree, coef0 in [(0.1, 3, 1.0), (0.5, 2, 0.0), (1.0, 4, 2.0)]:
        np.testing.assert_allclose(
            ks.kernel_matrix(X, Z, "poly", gamma, degree, coef0),
            polynomial_kernel(X, Z, degree=degree, gamma=gamma, coef0=coef0),
            rtol=1e-10,
        )
    for gamma in (0.01, 0.1, 1.0):
        np.testing.assert_allclose(
            ks.kernel_matrix(X, Z, "rbf", gamma), rbf_kernel(X, Z, gamma=gamma), rtol=1e-10, atol=1e-14
        )
    np.testing.assert_allclose(np.diag(ks.kernel_matrix(X, X, "rbf", 0.3)), 1.0)


@pytest.mark.parametrize("dataset", list(LOADERS))
@pytest.mark.parametrize("kernel, kw", KERNELS)
@pytest.mark.parametrize("C", [0.1, 1.0, 10.0])
def test_binary_svm_matches_svc(dataset, kernel, kw, C):
    X, y, X_test, _ = split(dataset)
    rows = y < 2  # classes 0 and 1; class 0 is +1
    X, y = X[rows], np.where(y[rows] == 0, 1.0, -1.0)
    K = ks.kernel_matrix(X, X, kernel, **kw)
    alpha, b = ks.fit_svm(K, y, C, tol=1e-7)
    svc = SVC(C=C, kernel=kernel, tol=1e-7, **kw).fit(X, y)  # classes_ [-1, 1]: decision > 0 means +1, as ours

    assert np.all(alpha >= 0) and np.all(alpha <= C) and abs(alpha @ y) < 1e-10
    theirs = np.zeros(len(y))
    theirs[svc.support_] = np.abs(svc.dual_coef_[0])  # dual_coef_ = y_i alpha_i
    np.testing.assert_allclose(ks.dual_objective(K, y, alpha), ks.dual_objective(K, y, theirs), rtol=1e-8)
    if kernel == "rbf":  # a strictly positive-definite K: the optimal alpha is unique (not so for D < N linear / poly)
        np.testing.assert_array_equal(np.flatnonzero(alpha > 1e-8 * C), np.sort(svc.support_))
        np.testing.assert_allclose((alpha * y)[svc.support_], svc.dual_coef_[0], rtol=1e-4, atol=1e-5 * C)
    np.testing.assert_allclose(b, svc.intercept_[0], atol=1e-4)
    f = ks.decision_function(ks.kernel_matrix(X_test, X, kernel, **kw), alpha, y, b)
    np.testing.assert_allclose(f, svc.decision_function(X_test), atol=1e-4)


def test_smo_reaches_the_dual_optimum_of_a_generic_solver():
    """Against scipy's SLSQP on the same dual: the objective and the decision values agree."""
    from scipy.optimize import minimize

    X, y, _, _ = split("iris", n_train=40)
    rows = y > 0  # versicolor vs virginica: not separable
    X, y = X[rows], np.where(y[rows] == 1, 1.0, -1.0)
    K, C = ks.kernel_matrix(X, X, "rbf", 0.5), 2.0
    Q = np.outer(y, y) * K
    res = minimize(
        lambda a: 0.5 * a @ Q @ a - a.sum(),
        np.zeros(len(y)),
        jac=lambda a: Q @ a - 1,
        method="SLSQP",
        bounds=[(0, C)] * len(y),
        constraints={"type": "eq", "fun": lambda a: a @ y, "jac": lambda a: y},
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    alpha, _ = ks.fit_svm(K, y, C, tol=1e-8)
    np.testing.assert_allclose(ks.dual_objective(K, y, alpha), -res.fun, rtol=1e-7)
    np.testing.assert_allclose(alpha, res.x, atol=1e-4)


@pytest.mark.parametrize("dataset", ["iris", "wine"])
@pytest.mark.parametrize("kernel, kw", KERNELS)
def test_one_vs_one_predictions_match_svc(dataset, kernel, kw):
    X, y, X_test, y_test = split(dataset)
    ours = ks.fit_predict_ovo(X, y, X_test, 1.0, kernel, **kw)
    theirs = SVC(C=1.0, kernel=kernel, **kw).fit(X, y).predict(X_test)
    assert (ours == theirs).mean() >= 0.98  # libsvm's tol 1e-3 leaves a point near a boundary free to differ
    assert abs((ours == y_test).mean() - (theirs == y_test).mean()) <= 0.02
    assert (ours == y_test).mean() > 0.85
