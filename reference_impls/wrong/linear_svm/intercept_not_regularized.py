"""Wrong: the objective regularizes w only (the textbook SVM), not LinearSVC's intercept term b^2."""

import numpy as np

from reference_impls.numpy.linear_svm import decision_function, fit_binary_svm, fit_linear_svm, predict  # noqa: F401

EXPECTED_HINT = "LinearSVC regularizes the intercept like a weight"


def hinge_objective(X, y, w, b, C=1.0):
    return 0.5 * w @ w + C * np.maximum(0, 1 - y * (X @ w + b)).sum()  # the mistake: 0.5 * (w @ w + b * b)
