"""Wrong: returns the labels (and inertia) of the last assignment step, made with the centers BEFORE the last
update, when the loop stops at max_iter."""

import numpy as np

from reference_impls.numpy.kmeans import init_centers, kmeans, squared_distances  # noqa: F401 (entry points)

EXPECTED_HINT = "label the points again with the final centers"


def lloyd(X, centers, max_iter=300, tol=1e-10):
    centers = centers.astype(X.dtype, copy=True)
    for it in range(1, max_iter + 1):  # noqa: B007
        labels = np.argmin(squared_distances(X, centers), axis=1)
        new = centers.copy()
        for j in range(len(centers)):
            if (labels == j).any():
                new[j] = X[labels == j].mean(axis=0)
        shift = ((new - centers) ** 2).sum()
        centers = new
        if shift <= tol:
            break
    # the mistake: no final assignment with the final centers
    inertia = float(((X - centers[labels]) ** 2).sum())
    return centers, labels, inertia, it
