"""Wrong: cross_val_score takes shuffle and seed but calls kfold_indices(len(X), k) without them."""

import numpy as np

from reference_impls.numpy.cross_validation import grid_search, kfold_indices  # noqa: F401 - right

EXPECTED_HINT = "cross_val_score does not pass shuffle and seed on"


def cross_val_score(fit, score, X, y, k=5, shuffle=False, seed=0, **params):
    folds = kfold_indices(len(X), k)  # the mistake: shuffle and seed dropped
    return np.array([score(fit(X[tr], y[tr], **params), X[te], y[te]) for tr, te in folds])
