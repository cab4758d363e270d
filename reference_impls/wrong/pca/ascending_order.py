"""Wrong: keeps eigh's first k eigenpairs, which are the SMALLEST (eigh sorts ascending)."""

import numpy as np

from reference_impls.numpy.pca import pca_inverse_transform, pca_transform  # noqa: F401 - right

EXPECTED_HINT = "ASCENDING order"


def pca_fit(X, n_components):
    mu = X.mean(axis=0)
    lam, V = np.linalg.eigh((X - mu).T @ (X - mu) / (len(X) - 1))
    lam_k, comps = lam[:n_components], V[:, :n_components].T
    return mu, comps, lam_k, lam_k / lam.sum()
