"""Correct, scikit-learn's _kmeans_single_lloyd shape: E and M step in one pass, strict convergence when the
labels stop changing, else the center-shift test; labels recomputed at the end if not strictly converged;
k-means++ with a running closest_dist_sq."""

import numpy as np


def _sq_dists(X, C):
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=-1)


def init_centers(X, k, method="k-means++", rng=None):
    rng = np.random.default_rng() if rng is None else rng
    n = X.shape[0]
    if method == "random":
        return X[rng.choice(n, size=k, replace=False)].copy()
    centers = np.empty((k, X.shape[1]), dtype=X.dtype)
    centers[0] = X[rng.integers(n)]
    closest_dist_sq = _sq_dists(X, centers[:1])[:, 0]
    for c in range(1, k):
        pot = closest_dist_sq.sum()
        idx = rng.choice(n, p=closest_dist_sq / pot) if pot > 0 else rng.integers(n)
        centers[c] = X[idx]
        closest_dist_sq = np.minimum(closest_dist_sq, _sq_dists(X, X[idx : idx + 1])[:, 0])
    return centers


def lloyd(X, centers, max_iter=300, tol=1e-10):
    centers = np.array(centers, dtype=X.dtype)
    labels_old = np.full(X.shape[0], -1)
    strict = False
    for i in range(max_iter):  # noqa: B007 - the iterations run are returned
        labels = _sq_dists(X, centers).argmin(axis=1)
        centers_new = centers.copy()
        for j in range(centers.shape[0]):
            mask = labels == j
            if mask.any():
                centers_new[j] = X[mask].mean(axis=0)
        shift = ((centers_new - centers) ** 2).sum()
        centers = centers_new
        if np.array_equal(labels, labels_old):
            strict = True
            break
        if shift <= tol:
            break
        labels_old = labels
    if not strict:
        labels = _sq_dists(X, centers).argmin(axis=1)
    inertia = float(((X - centers[labels]) ** 2).sum())
    return centers, labels, inertia, i + 1


def kmeans(X, k, init="k-means++", n_init=10, max_iter=300, seed=0):
    rng = np.random.default_rng(seed)
    best_inertia, best = None, None
    for _ in range(n_init):
        centers, labels, inertia, _ = lloyd(X, init_centers(X, k, init, rng), max_iter)
        if best_inertia is None or inertia < best_inertia:
            best_inertia, best = inertia, (centers, labels, inertia)
    return best
