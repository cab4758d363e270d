"""Wrong: the E-step returns the SUM of the points' log-likelihoods, not their mean (sklearn's score and
the convergence test with tol are per point)."""

import numpy as np

from reference_impls.numpy.gmm import log_gaussian, m_step
from reference_impls.numpy.log_softmax import logsumexp

EXPECTED_HINT = "the mean over the points"


def e_step(X, weights, means, covs):
    logp = np.stack([np.log(w) + log_gaussian(X, m, c) for w, m, c in zip(weights, means, covs)], axis=1)
    lse = logsumexp(logp, axis=1)
    return np.exp(logp - lse[:, None]), float(lse.sum())  # the mistake: lse.mean()


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
