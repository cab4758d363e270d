"""Wrong: SMO without the upper bound C (the hard-margin dual): alphas grow past C."""

import numpy as np

from reference_impls.numpy.kernel_svm import *  # the rest is right

EXPECTED_HINT = "alpha must stay in the box [0, C]"
ALSO_APPLIES = ("after a few SMO iterations differ",)


def fit_svm(K, y, C=1.0, tol=1e-3, max_iter=100_000):
    n = len(y)
    a, G, diag = np.zeros(n), -np.ones(n), np.diag(K)
    for _ in range(max_iter):
        yG = -y * G
        up, low = (y > 0) | (a > 0), (y < 0) | (a > 0)  # a < C never checked
        i = np.flatnonzero(up)[np.argmax(yG[up])]
        j = np.flatnonzero(low)[np.argmin(yG[low])]
        gap = yG[i] - yG[j]
        if gap < tol:
            break
        room_i = np.inf if y[i] > 0 else a[i]
        room_j = a[j] if y[j] > 0 else np.inf
        t = min(gap / max(diag[i] + diag[j] - 2 * K[i, j], 1e-12), room_i, room_j)
        a[i] += y[i] * t
        a[j] -= y[j] * t
        G += t * y * (K[:, i] - K[:, j])
    free = a > 0
    return a, float((-y * G)[free].mean())
