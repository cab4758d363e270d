"""Wrong: the hinge term averaged over the samples (the Pegasos / SGDClassifier scaling), not LinearSVC's C * sum."""

import numpy as np

from reference_impls.numpy.linear_svm import fit_binary_svm, fit_linear_svm, predict  # noqa: F401 - right

EXPECTED_HINT = "the hinge term is C times the SUM over samples"


def hinge_objective(X, y, w, b, C=1.0):
    return 0.5 * (w @ w + b * b) + C * np.maximum(0, 1 - y * (X @ w + b)).mean()  # the mistake: .sum()
