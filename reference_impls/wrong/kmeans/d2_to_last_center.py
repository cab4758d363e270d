"""Wrong: k-means++ weights each point by its squared distance to the LAST center chosen, not to the nearest
of all the centers chosen so far."""

import numpy as np

from reference_impls.numpy.kmeans import kmeans, lloyd, squared_distances  # noqa: F401 (entry points)

EXPECTED_HINT = "the NEAREST chosen center"


def init_centers(X, k, method="k-means++", rng=None):
    rng = rng if rng is not None else np.random.default_rng()
    if method == "random":
        return X[rng.choice(len(X), size=k, replace=False)].copy()
    centers = [X[rng.integers(len(X))]]
    d2 = squared_distances(X, np.array(centers))[:, 0]
    for _ in range(1, k):
        idx = rng.choice(len(X), p=d2 / d2.sum()) if d2.sum() > 0 else rng.integers(len(X))
        centers.append(X[idx])
        d2 = squared_distances(X, X[idx][None])[:, 0]  # the mistake: np.minimum(d2, ...) keeps the nearest
    return np.array(centers)
