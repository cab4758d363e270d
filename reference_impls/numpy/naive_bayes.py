"""Gaussian naive Bayes, in NumPy.

Bayes' theorem with the "naive" assumption that features are independent given the class:
    log p(y=k | x) = log pi_k + sum_d log N(x_d | theta_kd, sigma2_kd) - log p(x)
fit:     pi_k = N_k / N;  theta_kd, sigma2_kd = per-class mean and (biased, MLE) variance
         sigma2 += var_smoothing * max_d var(X[:, d])   (so a constant feature never divides by 0)
predict: argmax_k of the joint log-likelihood; probabilities by a log-sum-exp normalisation.

Source: sklearn.naive_bayes.GaussianNB (same smoothing, var_smoothing = 1e-9); Murphy, MLaPP 3.5.
Limits: no partial_fit, priors from class frequencies; classes must be 0..K-1.
"""

import numpy as np

from reference_impls.numpy.log_softmax import logsumexp


def fit_gaussian_nb(X, y, var_smoothing=1e-9):
    """Returns (priors (K,), means (K, D), variances (K, D))."""
    k = int(y.max()) + 1
    eps = var_smoothing * X.var(axis=0).max()
    priors = np.bincount(y, minlength=k) / len(y)
    means = np.stack([X[y == c].mean(axis=0) for c in range(k)])
    variances = np.stack([X[y == c].var(axis=0) for c in range(k)]) + eps
    return priors, means, variances


def joint_log_likelihood(X, priors, means, variances):
    # (N, K): log pi_k - 0.5 sum_d [log(2 pi sigma2) + (x - theta)^2 / sigma2]
    ll = -0.5 * np.log(2 * np.pi * variances).sum(axis=1)[None, :]
    ll = ll - 0.5 * (((X[:, None, :] - means[None]) ** 2) / variances[None]).sum(axis=2)
    return np.log(priors)[None, :] + ll


def predict_proba(X, priors, means, variances):
    jll = joint_log_likelihood(X, priors, means, variances)
    return np.exp(jll - logsumexp(jll, axis=1, keepdims=True))


def predict(X, priors, means, variances):
    return np.argmax(joint_log_likelihood(X, priors, means, variances), axis=1)
