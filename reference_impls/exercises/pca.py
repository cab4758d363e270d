"""Exercise: PCA by eigendecomposition of the covariance matrix."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._cases import correlated
from reference_impls.exercises._fresh import fresh


def _fix_signs(out):
    """Eigenvectors are defined up to sign: make each component's largest-|.| entry positive."""
    mean, comps, var, ratio = out
    comps = np.asarray(comps)
    if comps.ndim == 2 and comps.size:
        idx = np.argmax(np.abs(comps), axis=1)
        comps = comps * np.sign(comps[np.arange(len(comps)), idx])[:, None]
    return mean, comps, var, ratio


def fit_cases():
    for k, (n, d, m) in enumerate([(50, 3, 2), (100, 5, 3), (40, 4, 4), (30, 6, 1)]):
        yield Case(f"n{n}_d{d}_k{m}", (correlated(13000 + k, n, d), m), seed=13000 + k)
    for _, (n, d, m), s in _fresh_sizes(13050):
        yield Case("fresh", (correlated(s, n, d), m), seed=s)
    yield Case(
        "one_feature",
        (correlated(13060, 12, 1), 1),
        seed=13060,
        note="D = 1: np.cov(Xc, rowvar=False) returns a 0-d array here, which eigh refuses (np.atleast_2d, or Xc.T @ Xc)",
    )
    X = np.repeat(np.arange(4.0)[:, None], 2, axis=1)
    yield Case("points_on_a_line", (X, 2), zero_ok=False, note="y = x: one component carries all the variance")


def _fresh_sizes(seed):
    """(rng, (n, d, k), seed) drawn afresh on each run: d from 1, k from 1 to d, n > d (distinct variances)."""
    for rng, (n, d), _, s in fresh([(50, 3), (30, 6), (8, 1)], ("float64",), seed=seed, n=2):
        yield rng, (max(n, d + 2), d, int(rng.integers(1, d + 1))), s


def transform_cases():
    from reference_impls.numpy.pca import pca_fit

    for k, (n, d, m) in enumerate([(50, 3, 2), (100, 5, 3)]):
        X = correlated(13100 + k, n, d)
        mean, comps, _, _ = pca_fit(X, m)
        yield Case(f"n{n}_d{d}_k{m}", (X, mean, comps), seed=13100 + k)
    for _, (n, d, m), s in _fresh_sizes(13150):
        X = correlated(s, n, d)
        mean, comps, _, _ = pca_fit(X, m)
        yield Case("fresh", (X, mean, comps), seed=s)


def inverse_cases():
    from reference_impls.numpy.pca import pca_fit, pca_transform

    X = correlated(13200, 40, 4)
    mean, comps, _, _ = pca_fit(X, 2)
    yield Case("k2_of_4", (pca_transform(X, mean, comps), mean, comps), seed=13200)


def _ascending(X, n_components):
    mu = X.mean(axis=0)
    lam, V = np.linalg.eigh((X - mu).T @ (X - mu) / (len(X) - 1))
    lam_k, comps = lam[:n_components], V[:, :n_components].T
    return mu, comps, lam_k, lam_k / lam.sum()


def _uncentered(X, n_components):
    lam, V = np.linalg.eigh(X.T @ X / (len(X) - 1))
    order = np.argsort(lam)[::-1][:n_components]
    return X.mean(axis=0), V[:, order].T, lam[order], lam[order] / lam.sum()


def _eigenvector_rows(case, actual, expected):
    """when(): the components are rows of eigh's eigenvector matrix V, not columns, compared in absolute value,
    which no sign eigh or the learner chose for a column or a row can change."""
    X, k = case.args[0], case.args[1]
    comps = np.asarray(actual[1]) if isinstance(actual, (tuple, list)) and len(actual) > 1 else None
    if comps is None or comps.shape != (k, X.shape[1]) or comps.shape != np.shape(expected[1]):
        return False
    mu = X.mean(axis=0)
    lam, V = np.linalg.eigh((X - mu).T @ (X - mu) / (len(X) - 1))
    order = np.argsort(lam)[::-1]
    candidates = (V[order[:k]], V[:, order][:k])  # rows picked by eigenvalue, or the first rows of the sorted V
    right = np.allclose(np.abs(comps), np.abs(np.asarray(expected[1])), atol=1e-6)
    return not right and any(np.allclose(np.abs(comps), np.abs(rows), atol=1e-6) for rows in candidates)


def _ratio_of_kept(X, n_components):
    from reference_impls.numpy.pca import pca_fit

    mu, comps, var, _ = pca_fit(X, n_components)
    return mu, comps, var, var / var.sum()


def _biased_cov(X, n_components):
    from reference_impls.numpy.pca import pca_fit

    mu, comps, var, ratio = pca_fit(X, n_components)
    return mu, comps, var * (len(X) - 1) / len(X), ratio


EXERCISE = Exercise.of(
    info("pca"),
    task="""Principal component analysis from the covariance matrix, as sklearn.decomposition.PCA.

1. pca_fit(X, n_components) -> (mean (D,), components (k, D), explained_variance (k,),
   explained_variance_ratio (k,)): center X, form the sample covariance (divide by N - 1), take
   np.linalg.eigh (symmetric matrix; it returns eigenvalues in ascending order), keep the k
   largest. Rows of `components` are unit eigenvectors; the ratio divides by the sum of ALL
   eigenvalues. (Signs are arbitrary: the check compares up to a sign per component.) D may be 1:
   np.cov(Xc, rowvar=False) then returns a 0-d array (np.atleast_2d makes it (1, 1)).
2. pca_transform(X, mean, components): the projections (N, k).
3. pca_inverse_transform(Z, mean, components): the reconstruction (N, D) from k components.

Then plot a 2-D projection of a dataset of your choice (Iris ships with scikit-learn).""",
    entry_points=(
        EntryPoint("pca_fit", "(X, n_components)", "(mean, components, explained_variance, explained_variance_ratio)."),
        EntryPoint("pca_transform", "(X, mean, components)", "(X - mean) @ components.T, (N, k)."),
        EntryPoint("pca_inverse_transform", "(Z, mean, components)", "Z @ components + mean, (N, D)."),
    ),
    checks=(
        Check(
            "fit",
            "pca_fit",
            fit_cases,
            canonical=_fix_signs,
            tolerance={"float64": (1e-6, 1e-8)},
            description="4 correlated datasets (D = 3..6, k = 1..4), one feature, points on a line; components up to sign",
        ),
        Check("transform", "pca_transform", transform_cases, description="k = 2 and 3"),
        Check("inverse_transform", "pca_inverse_transform", inverse_cases, description="k = 2 of 4"),
    ),
    probes=(
        Probe(
            "np.linalg.eigh returns eigenvalues in ASCENDING order: sort them descending and keep the k largest",
            impl={"pca_fit": _ascending},
        ),
        Probe("X not centered: subtract the mean before forming the covariance", impl={"pca_fit": _uncentered}),
        Probe(
            "np.linalg.eigh returns the eigenvectors as COLUMNS (V[:, i] goes with eigenvalue i): components = "
            "V[:, order[:k]].T, not rows of V",
            when=_eigenvector_rows,
            checks=("fit",),
        ),
        Probe(
            "explained_variance_ratio divides by the total variance, the sum of ALL D eigenvalues, not of the k "
            "kept (the kept ratios then sum to 1)",
            impl={"pca_fit": _ratio_of_kept},
        ),
        Probe(
            "pca_transform centers first: (X - mean) @ components.T, the projections of the centered data",
            impl={"pca_transform": lambda X, mean, components: X @ components.T},
        ),
        Probe(
            "the sample covariance divides by N - 1 (as sklearn's explained_variance_), not N",
            impl={"pca_fit": _biased_cov},
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "pca_fit",
            "Xc = X - mu",
            "Xc = mu - X",
            "the covariance of -Xc is the covariance of Xc, and pca_fit returns no centered data",
        ),
        Equivalent(
            "pca_fit",
            "comps = comps * signs[:, None]",
            "comps = comps  #",
            "components are compared up to sign (an eigenvector's sign is arbitrary): fixing it changes nothing checked",
        ),
        Equivalent(
            "pca_fit",
            "total = np.clip(lam, 0, None).sum()",
            "np.clip(lam, -1, None)",
            "the covariance is positive semi-definite: its eigenvalues are >= -1e-16 or so, never below -1",
        ),
    ),
)
