"""Wrong: the Gaussian KL drops the -ln(sigma^2 / prior^2) term, so it can go negative and the bound shrinks."""

import numpy as np

from reference_impls.numpy.generalization_theory import (  # noqa: F401
    binned_mi,
    double_descent,
    finite_class_bound,
    information_plane,
    min_norm_fit,
    param_count,
)

EXPECTED_HINT = "the KL is off"


def pac_bayes_bound(train_error, w, sigma, prior_sigma, n, delta):
    w = np.asarray(w, dtype=np.float64)
    kl = 0.5 * np.sum(sigma**2 / prior_sigma**2 + w**2 / prior_sigma**2 - 1.0)  # the mistake: no - ln(ratio)
    return float(train_error + np.sqrt(max(kl, 0.0) + np.log(2 * np.sqrt(n) / delta)) / np.sqrt(2 * n))
