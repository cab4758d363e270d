"""Wrong: in each pair (c1 < c2) class c2 is coded +1, while the votes still read > 0 as c1."""

import numpy as np

from reference_impls.numpy.kernel_svm import decision_function, fit_svm, kernel_matrix  # noqa: F401 - right

EXPECTED_HINT = "class c1 is the +1 side"


def fit_predict_ovo(X_train, y_train, X_test, C=1.0, kernel="rbf", gamma=1.0, degree=3, coef0=1.0):
    classes = np.unique(y_train)
    votes = np.zeros((len(X_test), len(classes)), dtype=np.int64)
    for p, c1 in enumerate(classes):
        for q in range(p + 1, len(classes)):
            rows = (y_train == c1) | (y_train == classes[q])
            Xp, yp = X_train[rows], np.where(y_train[rows] == classes[q], 1.0, -1.0)  # the mistake: c2 as +1
            alpha, b = fit_svm(kernel_matrix(Xp, Xp, kernel, gamma, degree, coef0), yp, C)
            f = decision_function(kernel_matrix(X_test, Xp, kernel, gamma, degree, coef0), alpha, yp, b)
            votes[f > 0, p] += 1
            votes[f <= 0, q] += 1
    return classes[np.argmax(votes, axis=1)]
