"""Wrong: a new Generator from `seed` inside the loop, so every one of the n_init runs starts from the same
centers and the restarts do nothing."""

import numpy as np

from reference_impls.numpy.kmeans import init_centers, lloyd  # noqa: F401 (entry points)

EXPECTED_HINT = "one Generator for all n_init runs"


def kmeans(X, k, init="k-means++", n_init=10, max_iter=300, seed=0):
    best = None
    for _ in range(n_init):
        rng = np.random.default_rng(seed)  # the mistake: create it once, before the loop
        c, labels, inertia, _ = lloyd(X, init_centers(X, k, init, rng), max_iter)
        if best is None or inertia < best[2]:
            best = (c, labels, inertia)
    return best
