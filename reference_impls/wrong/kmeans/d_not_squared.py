"""Wrong: k-means++ picks the next center with probability proportional to D(x), the distance, instead of
D(x)^2 (Arthur & Vassilvitskii's squared distance)."""

import numpy as np

from reference_impls.numpy.kmeans import squared_distances

EXPECTED_HINT = "D(x)^2"
ALSO_APPLIES = ("in another order",)


def init_centers(X, k, method="k-means++", rng=None):
    rng = rng if rng is not None else np.random.default_rng(0)
    if method == "random":
        return X[rng.choice(len(X), size=k, replace=False)].copy()
    centers = [X[rng.integers(len(X))]]
    d = np.sqrt(squared_distances(X, np.array(centers))[:, 0])  # the mistake: keep the square
    for _ in range(1, k):
        idx = rng.choice(len(X), p=d / d.sum())
        centers.append(X[idx])
        d = np.minimum(d, np.sqrt(squared_distances(X, X[idx][None])[:, 0]))
    return np.array(centers)


def lloyd(X, centers, max_iter=300, tol=1e-10):
    from reference_impls.numpy.kmeans import lloyd as _lloyd

    return _lloyd(X, centers, max_iter, tol)


def kmeans(X, k, init="k-means++", n_init=10, max_iter=300, seed=0):
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(n_init):
        c, labels, inertia, _ = lloyd(X, init_centers(X, k, init, rng), max_iter)
        if best is None or inertia < best[2]:
            best = (c, labels, inertia)
    return best
