"""Wrong: transform forgets to subtract the mean."""

import numpy as np

EXPECTED_HINT = "pca_transform centers first"


def pca_fit(X, n_components):
    mean = X.mean(axis=0)
    Xc = X - mean
    cov = np.atleast_2d(np.cov(Xc, rowvar=False))
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    components = vecs[:, :n_components].T
    ev = vals[:n_components]
    return mean, components, ev, ev / vals.sum()


def pca_transform(X, mean, components):
    return X @ components.T  # the mistake: (X - mean)


def pca_inverse_transform(Z, mean, components):
    return Z @ components + mean
