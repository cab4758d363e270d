"""K-means clustering (Lloyd's algorithm) with random and k-means++ initialization, in NumPy.

    repeat: labels_i = argmin_j ||x_i - c_j||^2          (assignment)
            c_j = mean of the points labelled j           (update; an empty cluster keeps c_j)
    until the centers move by at most tol; inertia = sum_i ||x_i - c_{labels_i}||^2.
Initialization:
    'random':    k distinct data points chosen uniformly.
    'k-means++': first center uniform; each next one sampled with probability proportional to
                 D(x)^2, the squared distance to the nearest chosen center (Arthur & Vassilvitskii
                 2007), which is O(log k)-competitive in expectation.
Lloyd's never increases the inertia but stops in a local minimum: run n_init times, keep the best.

Source: sklearn.cluster.KMeans (algorithm='lloyd'); given the same initial centers the iterations
are the same. Its k-means++ is "greedy" (2 + log k candidates per step), so only inertias are
comparable across inits. Limits: dense float input, Euclidean distance.
"""

import numpy as np


def squared_distances(X, C):
    # ||x||^2 - 2 x.c + ||c||^2, clipped at 0 against round-off: (N, K)
    return np.maximum((X * X).sum(1)[:, None] - 2 * X @ C.T + (C * C).sum(1)[None, :], 0)


def init_centers(X, k, method="k-means++", rng=None):
    rng = rng if rng is not None else np.random.default_rng()  # unseeded, as NumPy
    if method == "random":
        return X[rng.choice(len(X), size=k, replace=False)].copy()
    centers = [X[rng.integers(len(X))]]
    d2 = squared_distances(X, np.array(centers))[:, 0]  # (N,) to the nearest center so far
    for _ in range(1, k):
        idx = rng.choice(len(X), p=d2 / d2.sum()) if d2.sum() > 0 else rng.integers(len(X))
        centers.append(X[idx])
        d2 = np.minimum(d2, squared_distances(X, X[idx][None])[:, 0])
    return np.array(centers)


def lloyd(X, centers, max_iter=300, tol=1e-10):
    """Returns (centers (K, D), labels (N,), inertia, n_iter) from the given initial centers."""
    centers = centers.astype(X.dtype, copy=True)
    for it in range(1, max_iter + 1):  # noqa: B007 - the iterations run are returned
        labels = np.argmin(squared_distances(X, centers), axis=1)
        new = centers.copy()
        for j in range(len(centers)):
            members = X[labels == j]
            if len(members):
                new[j] = members.mean(axis=0)
        shift = ((new - centers) ** 2).sum()
        centers = new
        if shift <= tol:
            break
    labels = np.argmin(squared_distances(X, centers), axis=1)
    inertia = float(((X - centers[labels]) ** 2).sum())
    return centers, labels, inertia, it


def kmeans(X, k, init="k-means++", n_init=10, max_iter=300, seed=0):
    """Best of n_init runs by inertia: (centers, labels, inertia)."""
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(n_init):
        c, labels, inertia, _ = lloyd(X, init_centers(X, k, init, rng), max_iter)
        if best is None or inertia < best[2]:
            best = (c, labels, inertia)
    return best
