"""Wrong: random initialization draws k points WITH replacement (rng.choice(len(X), k)): two centers can
be the same point, and the draws differ from replace=False's."""

import numpy as np

from reference_impls.numpy import kmeans as _ref
from reference_impls.numpy.kmeans import lloyd  # noqa: F401 - right

EXPECTED_HINT = "replace=False"


def init_centers(X, k, method="k-means++", rng=None):
    rng = rng if rng is not None else np.random.default_rng(0)
    if method == "random":
        return X[rng.choice(len(X), size=k)].copy()  # the mistake: replace=False
    return _ref.init_centers(X, k, method, rng)


def kmeans(X, k, init="k-means++", n_init=10, max_iter=300, seed=0):
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(n_init):
        c, labels, inertia, _ = lloyd(X, init_centers(X, k, init, rng), max_iter)
        if best is None or inertia < best[2]:
            best = (c, labels, inertia)
    return best
