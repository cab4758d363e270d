"""Correct, in the textbook (PRML 9.2) style: the log density from slogdet and a solve against the
covariance itself, responsibilities normalized with a max-shifted log-sum-exp written inline,
the M step with einsum."""

import numpy as np


def log_gaussian(X, mean, cov):
    d = X.shape[1]
    diff = X - mean
    _, logdet = np.linalg.slogdet(cov)
    maha = np.einsum("nd,nd->n", diff, np.linalg.solve(cov, diff.T).T)
    return -0.5 * (d * np.log(2 * np.pi) + logdet + maha)


def e_step(X, weights, means, covs):
    log_joint = np.column_stack([np.log(weights[k]) + log_gaussian(X, means[k], covs[k]) for k in range(len(weights))])
    top = log_joint.max(axis=1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.exp(log_joint - top).sum(axis=1))
    return np.exp(log_joint - log_norm[:, None]), float(np.mean(log_norm))


def m_step(X, resp, reg_covar=1e-6):
    n, d = X.shape
    nk = resp.sum(axis=0) + 10 * np.finfo(np.float64).eps
    means = (resp.T @ X) / nk[:, None]
    diffs = X[None, :, :] - means[:, None, :]  # (K, N, D)
    covs = np.einsum("nk,kni,knj->kij", resp, diffs, diffs) / nk[:, None, None] + reg_covar * np.eye(d)
    return nk / n, means, covs


def fit_gmm(X, init_means, max_iter=100, tol=1e-3, reg_covar=1e-6):
    nearest = ((X[:, None, :] - init_means[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    resp = np.zeros((len(X), len(init_means)))
    resp[np.arange(len(X)), nearest] = 1.0
    weights, means, covs = m_step(X, resp, reg_covar)
    previous = None
    for _ in range(max_iter):
        resp, ll = e_step(X, weights, means, covs)
        weights, means, covs = m_step(X, resp, reg_covar)
        if previous is not None and abs(ll - previous) < tol:
            break
        previous = ll
    return weights, means, covs, e_step(X, weights, means, covs)[1]
