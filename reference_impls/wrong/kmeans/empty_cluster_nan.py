"""Wrong: moves every center to the mean of its points, even when it has none (nan)."""

import numpy as np

from reference_impls.numpy.kmeans import init_centers, kmeans, squared_distances  # noqa: F401 - right

EXPECTED_HINT = "an empty cluster"


def lloyd(X, centers, max_iter=300, tol=1e-10):
    centers = centers.astype(X.dtype, copy=True)
    for it in range(1, max_iter + 1):  # noqa: B007 - the iterations run are returned
        labels = np.argmin(squared_distances(X, centers), axis=1)
        with np.errstate(invalid="ignore"):
            new = np.stack([X[labels == j].mean(axis=0) for j in range(len(centers))])
        shift = ((new - centers) ** 2).sum()
        centers = new
        if not shift > tol:
            break
    labels = np.argmin(squared_distances(X, centers), axis=1)
    return centers, labels, float(((X - centers[labels]) ** 2).sum()), it
