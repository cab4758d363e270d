"""Wrong: one-vs-rest for two classes too, two columns (class 0 vs rest, class 1 vs rest) instead of one problem."""

import numpy as np

from reference_impls.numpy.linear_svm import fit_binary_svm, hinge_objective, predict  # noqa: F401 - right

EXPECTED_HINT = "two classes are ONE binary problem"


def fit_linear_svm(X, y, C=1.0, epochs=1000):
    classes = range(int(y.max()) + 1)  # the mistake: [1] when there are two classes
    fits = [fit_binary_svm(X, np.where(y == c, 1.0, -1.0), C, epochs) for c in classes]
    return np.stack([w for w, _ in fits], axis=1), np.array([b for _, b in fits])
