"""Wrong: a literal port of libsvm's select_working_set, whose loops compare with >= / <=, so ties in the
working-set choice go to the LAST index (at alpha = 0 every -y_t G_t is y_t: the very first pair differs)."""

import numpy as np

from reference_impls.numpy.kernel_svm import decision_function, fit_predict_ovo, kernel_matrix  # noqa: F401 - right

EXPECTED_HINT = "ties in the working-set choice go to the LOWEST index"
ALSO_APPLIES = ("differ from the prescribed ones",)


def fit_svm(K, y, C=1.0, tol=1e-3, max_iter=100_000):
    n = len(y)
    a, G = np.zeros(n), -np.ones(n)
    for _ in range(max_iter):
        Gmax, Gmin, i, j = -np.inf, np.inf, -1, -1
        for t in range(n):
            up = a[t] < C if y[t] > 0 else a[t] > 0
            low = a[t] > 0 if y[t] > 0 else a[t] < C
            if up and -y[t] * G[t] >= Gmax:  # the mistake: >= takes the last of equal values
                Gmax, i = -y[t] * G[t], t
            if low and -y[t] * G[t] <= Gmin:
                Gmin, j = -y[t] * G[t], t
        if Gmax - Gmin < tol:
            break
        eta = max(K[i, i] + K[j, j] - 2 * K[i, j], 1e-12)
        t = min((Gmax - Gmin) / eta, C - a[i] if y[i] > 0 else a[i], a[j] if y[j] > 0 else C - a[j])
        a[i] += y[i] * t
        a[j] -= y[j] * t
        G += t * y * (K[:, i] - K[:, j])
    yG = -y * G
    free = (a > 0) & (a < C)
    if free.any():
        return a, float(yG[free].mean())
    up = np.where(y > 0, a < C, a > 0)
    low = np.where(y > 0, a > 0, a < C)
    return a, float((yG[up].max() + yG[low].min()) / 2)
