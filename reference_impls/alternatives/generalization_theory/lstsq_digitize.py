"""Another correct solution: lstsq for the fit, np.digitize and Counter for the bins, scipy-free entropies."""

from collections import Counter
from math import log, log2, sqrt

import numpy as np


def min_norm_fit(Phi, y):
    return np.linalg.lstsq(Phi, y, rcond=None)[0]


def double_descent(X_train, y_train, X_test, y_test, W, widths):
    out = np.empty(len(widths))
    for i, p in enumerate(widths):
        F_train = np.clip(X_train @ W[:, :p], 0, None)
        F_test = np.clip(X_test @ W[:, :p], 0, None)
        residual = F_test @ min_norm_fit(F_train, y_train) - y_test
        out[i] = residual @ residual / len(y_test)
    return out


def _H(items):
    counts = Counter(items)
    total = sum(counts.values())
    return -sum(c / total * log2(c / total) for c in counts.values())


def binned_mi(T, y, bins):
    lo, hi = float(T.min()), float(T.max())
    if hi > lo:
        edges = np.linspace(lo, hi, bins + 1)[1:-1]
        digits = np.digitize(T, edges)
    else:
        digits = np.zeros(T.shape, dtype=int)
    rows = [tuple(r) for r in digits.tolist()]
    y = np.asarray(y).tolist()
    h_t = _H(rows)
    h_cond = 0.0
    for label in set(y):
        members = [r for r, c in zip(rows, y) if c == label]
        h_cond += len(members) / len(rows) * _H(members)
    return np.float64(h_t), np.float64(h_t - h_cond)


def information_plane(params, X, y, bins):
    plane, h = [], X
    for W, b in params:
        h = np.tanh(h @ W + b)
        plane.append(binned_mi(h, y, bins))
    return np.asarray(plane, dtype=np.float64)


def param_count(sizes):
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes, sizes[1:]))


def finite_class_bound(train_error, n_params, bits, n, delta):
    log_h = n_params * bits * log(2)
    return train_error + sqrt((log_h + log(1 / delta)) / (2 * n))


def pac_bayes_bound(train_error, w, sigma, prior_sigma, n, delta):
    k = np.size(w)
    kl = 0.5 * (k * (sigma / prior_sigma) ** 2 + float(np.sum(np.square(w))) / prior_sigma**2 - k)
    kl += k * log(prior_sigma / sigma)
    return train_error + sqrt((kl + log(2 * sqrt(n) / delta)) / (2 * n))
