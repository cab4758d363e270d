"""Wrong: ratio over the kept eigenvalues only."""

import numpy as np

EXPECTED_HINT = "divides by the total variance"
ALSO_APPLIES = ("part of the output is right", "a constant factor")  # the kept ratios, times a constant


def pca_fit(X, n_components):
    mean = X.mean(axis=0)
    Xc = X - mean
    cov = np.atleast_2d(np.cov(Xc, rowvar=False))
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    components = vecs[:, :n_components].T
    ev = vals[:n_components]
    return mean, components, ev, ev / ev.sum()  # the mistake: vals.sum(), all D of them


def pca_transform(X, mean, components):
    return (X - mean) @ components.T


def pca_inverse_transform(Z, mean, components):
    return Z @ components + mean
