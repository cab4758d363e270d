"""Wrong: the covariance of X itself, without subtracting the mean first."""

import numpy as np

from reference_impls.numpy.pca import pca_inverse_transform, pca_transform  # noqa: F401 - right

EXPECTED_HINT = "X not centered"


def pca_fit(X, n_components):
    mu = X.mean(axis=0)
    cov = X.T @ X / (X.shape[0] - 1)  # the mistake: (X - mu).T @ (X - mu)
    lam, V = np.linalg.eigh(cov)
    order = np.argsort(lam)[::-1][:n_components]
    comps = V[:, order].T
    signs = np.sign(comps[np.arange(len(comps)), np.argmax(np.abs(comps), axis=1)])
    return mu, comps * signs[:, None], lam[order], lam[order] / lam.sum()
