"""Wrong: the M-step divides each component's weighted scatter by N (all points) instead of N_k, the
component's total responsibility: the covariances shrink by N_k / N."""

import numpy as np

from reference_impls.numpy.gmm import e_step, log_gaussian  # noqa: F401 - right

EXPECTED_HINT = "divided by N_k"


def m_step(X, resp, reg_covar=1e-6):
    nk = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
    means = resp.T @ X / nk[:, None]
    covs = np.empty((len(nk), X.shape[1], X.shape[1]))
    for k in range(len(nk)):
        diff = X - means[k]
        covs[k] = (resp[:, k, None] * diff).T @ diff / len(X) + reg_covar * np.eye(X.shape[1])  # the mistake: / nk[k]
    return nk / len(X), means, covs


def fit_gmm(X, init_means, max_iter=100, tol=1e-3, reg_covar=1e-6):
    labels = np.argmin(((X[:, None, :] - init_means[None]) ** 2).sum(-1), axis=1)
    weights, means, covs = m_step(X, np.eye(len(init_means))[labels], reg_covar)
    prev = -np.inf
    for _ in range(max_iter):
        resp, ll = e_step(X, weights, means, covs)
        weights, means, covs = m_step(X, resp, reg_covar)
        if abs(ll - prev) < tol:
            break
        prev = ll
    return weights, means, covs, e_step(X, weights, means, covs)[1]
