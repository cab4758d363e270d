"""Correct, in the from-scratch tutorial style: distances by broadcasting (N, 1, D) - (1, K, D), the
centers rebuilt in a list comprehension, the convergence test on np.sum of the squared shift."""

import numpy as np


def _dist2(X, C):
    return ((X[:, np.newaxis, :] - C[np.newaxis, :, :]) ** 2).sum(axis=2)  # (N, K)


def lloyd(X, centers, max_iter=300, tol=1e-10):
    centers = np.array(centers, dtype=X.dtype)
    n_iter = 0
    while n_iter < max_iter:
        labels = _dist2(X, centers).argmin(axis=1)
        new_centers = np.array(
            [X[labels == j].mean(axis=0) if np.any(labels == j) else centers[j] for j in range(len(centers))]
        )
        n_iter += 1
        moved = np.sum((new_centers - centers) ** 2)
        centers = new_centers
        if moved <= tol:
            break
    labels = _dist2(X, centers).argmin(axis=1)
    inertia = _dist2(X, centers)[np.arange(len(X)), labels].sum()
    return centers, labels, float(inertia), n_iter


def init_centers(X, k, method="k-means++", rng=None):
    if rng is None:
        rng = np.random.default_rng()
    if method == "random":
        return X[rng.choice(len(X), size=k, replace=False)].copy()
    chosen = [X[rng.integers(len(X))]]
    for _ in range(k - 1):
        d2 = _dist2(X, np.array(chosen)).min(axis=1)
        total = d2.sum()
        chosen.append(X[rng.choice(len(X), p=d2 / total)] if total > 0 else X[rng.integers(len(X))])
    return np.array(chosen)


def kmeans(X, k, init="k-means++", n_init=10, max_iter=300, seed=0):
    rng = np.random.default_rng(seed)
    runs = [lloyd(X, init_centers(X, k, init, rng), max_iter)[:3] for _ in range(n_init)]
    return min(runs, key=lambda run: run[2])  # min keeps the first of equal inertias
