"""Gaussian mixture model with full covariances, fitted by expectation-maximization, in NumPy.

    E step: log r_ik = log pi_k + log N(x_i | mu_k, Sigma_k) - logsumexp_k(...)   # responsibilities
    M step: N_k = sum_i r_ik;  pi_k = N_k / N;  mu_k = sum_i r_ik x_i / N_k
            Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k + reg_covar * I
    stop when the mean log-likelihood (1/N) sum_i log sum_k pi_k N(x_i | mu_k, Sigma_k)
    improves by less than tol. EM never decreases it.
log N(x | mu, Sigma) through a Cholesky factor L (Sigma = L L^T): solve L z = x - mu, then
    -0.5 (D log 2 pi + ||z||^2) - sum(log diag L)
which never inverts Sigma or takes the log of a tiny determinant.

Source: Bishop, PRML 9.2; sklearn.mixture.GaussianMixture (same reg_covar = 1e-6 and the same
stopping rule, so from the same initial parameters both reach the same optimum).
Limits: full covariances only; init from given means (e.g. k-means centers) with responsibilities
from the hard assignment, as sklearn's init_params='kmeans'.
"""

import numpy as np

from reference_impls.numpy.log_softmax import logsumexp


def log_gaussian(X, mean, cov):
    L = np.linalg.cholesky(cov)  # (D, D) lower
    z = np.linalg.solve(L, (X - mean).T)  # (D, N)
    d = X.shape[1]
    return -0.5 * (d * np.log(2 * np.pi) + (z * z).sum(axis=0)) - np.log(np.diag(L)).sum()  # (N,)


def e_step(X, weights, means, covs):
    """Returns (responsibilities (N, K), mean log-likelihood)."""
    logp = np.stack([np.log(w) + log_gaussian(X, m, c) for w, m, c in zip(weights, means, covs)], axis=1)  # (N, K)
    lse = logsumexp(logp, axis=1)  # (N,)
    return np.exp(logp - lse[:, None]), float(lse.mean())


def m_step(X, resp, reg_covar=1e-6):
    nk = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps  # (K,), never 0
    means = resp.T @ X / nk[:, None]  # (K, D)
    covs = np.empty((len(nk), X.shape[1], X.shape[1]))
    for k in range(len(nk)):
        diff = X - means[k]  # (N, D)
        covs[k] = (resp[:, k, None] * diff).T @ diff / nk[k] + reg_covar * np.eye(X.shape[1])
    return nk / len(X), means, covs


def fit_gmm(X, init_means, max_iter=100, tol=1e-3, reg_covar=1e-6):
    """EM from hard assignments to init_means. Returns (weights, means, covs, mean log-likelihood)."""
    labels = np.argmin(((X[:, None, :] - init_means[None]) ** 2).sum(-1), axis=1)
    resp = np.eye(len(init_means))[labels]  # (N, K) one-hot
    weights, means, covs = m_step(X, resp, reg_covar)
    prev = -np.inf
    for _ in range(max_iter):
        resp, ll = e_step(X, weights, means, covs)
        weights, means, covs = m_step(X, resp, reg_covar)
        if abs(ll - prev) < tol:
            break
        prev = ll
    _, ll = e_step(X, weights, means, covs)
    return weights, means, covs, ll
