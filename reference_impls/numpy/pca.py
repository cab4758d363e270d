"""Principal component analysis by eigendecomposition of the covariance matrix, in NumPy.

    mu = mean(X, axis=0)                     # (D,)
    S  = (X - mu).T @ (X - mu) / (N - 1)     # (D, D) sample covariance, symmetric PSD
    S  = V diag(lam) V.T                     # np.linalg.eigh: ascending eigenvalues -> flip
    components = V[:, :k].T                  # (k, D), rows = directions of largest variance
    Z = (X - mu) @ components.T              # (N, k)
explained_variance = lam[:k]; explained_variance_ratio = lam[:k] / sum(lam).

Eigenvectors are defined up to sign: compare components and projections up to a sign per
component (sklearn.decomposition.PCA fixes signs with svd_flip; we make the largest-|.|
entry of each component positive). Source: Bishop, PRML 12.1; sklearn's PCA (which uses the
SVD of the centered data: same subspace, more accurate when S is ill-conditioned).
Limits: dense float input, N >= 2; eigh on a (D, D) matrix, so D up to a few thousand.
"""

import numpy as np


def pca_fit(X, n_components):
    """Returns (mean (D,), components (k, D), explained_variance (k,), explained_variance_ratio (k,))."""
    mu = X.mean(axis=0)
    Xc = X - mu  # (N, D)
    cov = Xc.T @ Xc / (X.shape[0] - 1)  # (D, D)
    lam, V = np.linalg.eigh(cov)  # ascending
    order = np.argsort(lam)[::-1][:n_components]
    lam_k, comps = lam[order], V[:, order].T  # (k,), (k, D)
    signs = np.sign(comps[np.arange(len(comps)), np.argmax(np.abs(comps), axis=1)])
    comps = comps * signs[:, None]  # deterministic sign: largest-magnitude entry positive
    total = np.clip(lam, 0, None).sum()
    return mu, comps, lam_k, lam_k / total


def pca_transform(X, mean, components):
    return (X - mean) @ components.T  # (N, k)


def pca_inverse_transform(Z, mean, components):
    return Z @ components + mean  # (N, D), the reconstruction from k components
