"""Module 0.1's classical ML against scikit-learn on Iris, Wine and Breast Cancer (bundled with
scikit-learn, no download), with the tolerances stated per test."""

import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine
from sklearn.decomposition import PCA
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from reference_impls.numpy import decision_tree as dt
from reference_impls.numpy import gmm, pca
from reference_impls.numpy import kmeans as km
from reference_impls.numpy import linear_regression as lr
from reference_impls.numpy import linear_svm as svm
from reference_impls.numpy import logistic_regression as logreg
from reference_impls.numpy import naive_bayes as nb

LOADERS = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer}
DATASETS = list(LOADERS)


def dataset(name, standardize=True):
    X, y = LOADERS[name](return_X_y=True)
    return (StandardScaler().fit_transform(X) if standardize else X), y


def split(name):
    X, y = dataset(name)
    X = X.astype(np.float32).astype(np.float64)  # sklearn's trees work in float32: same thresholds
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


# ---- PCA


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("k", [1, 2, 3])
def test_pca_matches_sklearn_up_to_sign(name, k):
    X, _ = dataset(name, standardize=name != "iris")
    mean, comps, var, ratio = pca.pca_fit(X, k)
    sk = PCA(n_components=k, svd_solver="full").fit(X)
    signs = np.sign((comps * sk.components_).sum(axis=1))  # +-1 per component
    assert np.all(np.abs(signs) == 1)
    np.testing.assert_allclose(comps, sk.components_ * signs[:, None], atol=1e-8)
    np.testing.assert_allclose(var, sk.explained_variance_, rtol=1e-9)
    np.testing.assert_allclose(ratio, sk.explained_variance_ratio_, rtol=1e-9)
    Z = pca.pca_transform(X, mean, comps)
    np.testing.assert_allclose(Z, sk.transform(X) * signs, atol=1e-8)
    np.testing.assert_allclose(
        pca.pca_inverse_transform(Z, mean, comps), sk.inverse_transform(sk.transform(X)), atol=1e-8
    )


def test_pca_by_hand():
    # points on the line y = x: one component along (1, 1) / sqrt(2) carries all the variance
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    mean, comps, var, ratio = pca.pca_fit(X, 2)
    np.testing.assert_allclose(comps[0], [2**-0.5, 2**-0.5])
    np.testing.assert_allclose(var, [10 / 3, 0], atol=1e-12)  # var of x + y over 2: 2 * 5/3
    np.testing.assert_allclose(ratio[0], 1.0)


# ---- linear regression


@pytest.mark.parametrize("batch_size, epochs, atol", [(None, 3000, 1e-6), (32, 200, 0.05)])
def test_linear_regression_gd_reaches_the_closed_form(batch_size, epochs, atol):
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:, :6]  # 6 features: well-conditioned, converges fast
    sk = LinearRegression().fit(X, y)
    w_cf, b_cf = lr.fit_closed_form(X, y)
    np.testing.assert_allclose(w_cf, sk.coef_, rtol=1e-9)
    assert b_cf == pytest.approx(sk.intercept_, rel=1e-9)
    lr_ = None if batch_size is None else 0.01
    w, b, losses = lr.fit_gradient_descent(X, y, lr=lr_, epochs=epochs, batch_size=batch_size)
    np.testing.assert_allclose(w, sk.coef_, atol=atol * np.abs(sk.coef_).max())
    assert all(a >= b - 1e-9 for a, b in zip(losses, losses[1:])) or batch_size  # batch GD is monotone


def test_linear_regression_gradient_by_hand():
    X, y = np.array([[1.0], [2.0]]), np.array([1.0, 3.0])
    dw, db = lr.mse_gradients(X, y, np.array([1.0]), 0.0)  # residuals 0, -1
    np.testing.assert_allclose(dw, [-2.0])  # 2/2 * (1*0 + 2*-1)
    assert db == pytest.approx(-1.0)


# ---- logistic regression


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("C, l1_ratio", [(1.0, 0.0), (0.1, 1.0), (0.5, 0.5)])
def test_logistic_regression_matches_sklearn(name, C, l1_ratio):
    X, y = dataset(name)
    W, b = logreg.fit_logistic(X, y, C=C, l1_ratio=l1_ratio)
    solver = "lbfgs" if l1_ratio == 0 else "saga"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # saga's ConvergenceWarning on the last few digits
        sk = LogisticRegression(C=C, l1_ratio=l1_ratio, solver=solver, tol=1e-10, max_iter=20000).fit(X, y)
    coef = sk.coef_.ravel() if W.ndim == 1 else sk.coef_.T
    intercept = sk.intercept_[0] if W.ndim == 1 else sk.intercept_
    # the same convex objective: ours no worse than sklearn's, coefficients within 1e-3
    ours, theirs = logreg.objective(X, y, W, b, C, l1_ratio), logreg.objective(X, y, coef, intercept, C, l1_ratio)
    assert ours <= theirs + 1e-9
    np.testing.assert_allclose(W, coef, atol=1e-3)
    np.testing.assert_array_equal(logreg.predict(X, W, b), sk.predict(X))
    np.testing.assert_allclose(logreg.predict_proba(X, W, b), sk.predict_proba(X), atol=1e-3)
    if l1_ratio == 1.0:
        assert np.array_equal(W == 0, np.abs(coef) < 1e-6)  # the same sparsity pattern
        assert (W == 0).any()


def test_logistic_regression_penalties_shrink():
    X, y = dataset("breast_cancer")
    norms = [np.abs(logreg.fit_logistic(X, y, C=c, l1_ratio=1.0, max_iter=3000)[0]).sum() for c in (0.01, 0.1, 1.0)]
    assert norms[0] < norms[1] < norms[2]


# ---- k-means


@pytest.mark.parametrize("name", DATASETS)
def test_lloyd_from_same_init_matches_sklearn(name):
    X, y = dataset(name)
    k = len(np.unique(y))
    init = X[np.random.default_rng(0).choice(len(X), k, replace=False)]
    centers, labels, inertia, _ = km.lloyd(X, init)
    sk = KMeans(k, init=init, n_init=1, algorithm="lloyd", tol=0).fit(X)
    np.testing.assert_allclose(centers, sk.cluster_centers_, atol=1e-10)
    np.testing.assert_array_equal(labels, sk.labels_)
    assert inertia == pytest.approx(sk.inertia_, rel=1e-10)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("init", ["random", "k-means++"])
def test_kmeans_inertia_close_to_sklearn(name, init):
    X, y = dataset(name)
    k = len(np.unique(y))
    _, labels, inertia = km.kmeans(X, k, init=init, n_init=10, seed=0)
    sk = KMeans(k, init=init, n_init=10, random_state=0).fit(X)
    assert inertia <= sk.inertia_ * 1.01  # best of 10 local minima: within 1% of sklearn's
    assert len(np.unique(labels)) == k


def test_kmeans_plus_plus_spreads_centers():
    # four tight, far-apart blobs: k-means++ puts one center in each (D^2 sampling)
    rng = np.random.default_rng(0)
    blobs = np.concatenate([rng.normal(c, 0.01, (50, 2)) for c in [(0, 0), (10, 0), (0, 10), (10, 10)]])
    for seed in range(5):
        c = km.init_centers(blobs, 4, "k-means++", np.random.default_rng(seed))
        assert len({(round(x / 10), round(y / 10)) for x, y in c}) == 4


# ---- Gaussian mixture


@pytest.mark.parametrize("name, k, d", [("iris", 3, 4), ("wine", 3, 4), ("breast_cancer", 2, 3)])
def test_gmm_log_likelihood_matches_sklearn(name, k, d):
    X, _ = dataset(name)
    X = X[:, :d]
    init = KMeans(k, n_init=1, random_state=0).fit(X)  # sklearn's own init_params='kmeans'
    weights, means, covs, ll = gmm.fit_gmm(X, init.cluster_centers_, tol=1e-6)
    sk = GaussianMixture(k, covariance_type="full", random_state=0, tol=1e-6, max_iter=100).fit(X)
    assert ll == pytest.approx(sk.score(X), abs=1e-6)
    order = np.argsort(means[:, 0])
    sk_order = np.argsort(sk.means_[:, 0])
    np.testing.assert_allclose(means[order], sk.means_[sk_order], atol=1e-4)
    np.testing.assert_allclose(weights[order], sk.weights_[sk_order], atol=1e-4)


def test_gmm_em_never_decreases_likelihood():
    X, _ = dataset("iris")
    init = X[[0, 60, 120]]
    lls = [gmm.fit_gmm(X, init, max_iter=i, tol=0)[3] for i in (1, 2, 5, 10, 20)]
    assert all(a <= b + 1e-12 for a, b in zip(lls, lls[1:]))


def test_log_gaussian_by_hand():
    x = np.array([[0.0, 0.0]])
    assert gmm.log_gaussian(x, np.zeros(2), np.eye(2))[0] == pytest.approx(-np.log(2 * np.pi))


# ---- Gaussian naive Bayes


@pytest.mark.parametrize("name", DATASETS)
def test_gaussian_nb_matches_sklearn(name):
    Xtr, Xte, ytr, yte = split(name)
    params = nb.fit_gaussian_nb(Xtr, ytr)
    sk = GaussianNB().fit(Xtr, ytr)
    np.testing.assert_allclose(params[1], sk.theta_, rtol=1e-12)
    np.testing.assert_allclose(params[2], sk.var_, rtol=1e-12)
    np.testing.assert_allclose(nb.predict_proba(Xte, *params), sk.predict_proba(Xte), atol=1e-10)
    np.testing.assert_array_equal(nb.predict(Xte, *params), sk.predict(Xte))


# ---- decision tree


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
def test_decision_tree_root_split_and_accuracy(name, criterion):
    Xtr, Xte, ytr, yte = split(name)
    sk = DecisionTreeClassifier(criterion=criterion, max_depth=1, random_state=0).fit(Xtr, ytr)
    t = sk.tree_
    n = t.n_node_samples
    sk_gain = t.impurity[0] - (n[1] * t.impurity[1] + n[2] * t.impurity[2]) / n[0]
    f, thr, gain = dt.best_split(Xtr, ytr, len(np.unique(ytr)), criterion)
    assert gain == pytest.approx(sk_gain, rel=1e-6)  # the best impurity decrease (ties: any feature)
    full = dt.build_tree(Xtr, ytr, criterion=criterion)
    assert (dt.predict(full, Xtr) == ytr).all()  # grown to purity, like sklearn's default
    sk_accs = [
        DecisionTreeClassifier(criterion=criterion, random_state=s).fit(Xtr, ytr).score(Xte, yte) for s in range(5)
    ]
    assert (dt.predict(full, Xte) == yte).mean() >= min(sk_accs) - 0.07  # ties break differently


def _depth(tree):
    return 0 if "proba" in tree else 1 + max(_depth(tree["left"]), _depth(tree["right"]))


def test_decision_tree_by_hand():
    X = np.array([[1.0], [2.0], [3.0], [4.0]])
    y = np.array([0, 0, 1, 1])
    f, thr, gain = dt.best_split(X, y, 2, "gini")
    assert (f, thr, gain) == (0, 2.5, pytest.approx(0.5))  # gini 0.5 -> two pure halves
    assert dt.best_split(X, y, 2, "entropy")[2] == pytest.approx(1.0)  # one bit
    tree = dt.build_tree(X, y, max_depth=3)
    assert _depth(tree) == 1 and list(dt.predict(tree, X)) == [0, 0, 1, 1]


# ---- linear SVM


@pytest.mark.parametrize("name", DATASETS)
def test_linear_svm_matches_linearsvc(name):
    Xtr, Xte, ytr, yte = split(name)
    W, b = svm.fit_linear_svm(Xtr, ytr, C=1.0, epochs=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = LinearSVC(loss="hinge", C=1.0, max_iter=100000, tol=1e-8).fit(Xtr, ytr)
    ours_acc, sk_acc = (svm.predict(Xte, W, b) == yte).mean(), sk.score(Xte, yte)
    assert ours_acc >= sk_acc - 0.03
    # per binary problem, the primal objective is within 1% of LinearSVC's optimum
    ys = (
        [np.where(ytr == 1, 1.0, -1.0)]
        if W.shape[1] == 1
        else [np.where(ytr == c, 1.0, -1.0) for c in range(W.shape[1])]
    )
    for j, yj in enumerate(ys):
        ours = svm.hinge_objective(Xtr, yj, W[:, j], b[j])
        theirs = svm.hinge_objective(Xtr, yj, sk.coef_[j], sk.intercept_[j])
        assert ours <= theirs * 1.01 + 1e-6


def test_linear_svm_separable_by_hand():
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([0, 0, 1, 1])
    W, b = svm.fit_linear_svm(X, y, C=10.0, epochs=2000)
    assert list(svm.predict(X, W, b)) == [0, 0, 1, 1]
    assert W[0, 0] == pytest.approx(1.0, abs=0.05)  # max margin: w = 1, margins exactly 1 at +-1
