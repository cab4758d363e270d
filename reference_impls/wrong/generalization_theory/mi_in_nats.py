"""Wrong: entropies with the natural log, so the information plane is in nats, not bits."""

import numpy as np

from reference_impls.numpy.generalization_theory import (  # noqa: F401
    bin_symbols,
    double_descent,
    finite_class_bound,
    min_norm_fit,
    pac_bayes_bound,
    param_count,
)

EXPECTED_HINT = "the information is in nats"
ALSO_APPLIES = ("nats for bits",)


def _entropy(symbols):
    _, counts = np.unique(symbols, return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())  # the mistake: natural log


def binned_mi(T, y, bins):
    t = bin_symbols(T, bins)
    h = _entropy(t)
    return np.float64(h), np.float64(h - sum(np.mean(y == c) * _entropy(t[y == c]) for c in np.unique(y)))


def information_plane(params, X, y, bins):
    T, rows = X, []
    for W, b in params:
        T = np.tanh(T @ W + b)
        rows.append(binned_mi(T, y, bins))
    return np.array(rows, dtype=np.float64)
