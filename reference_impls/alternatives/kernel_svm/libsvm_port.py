"""Correct, in the style of a port of libsvm's Solver (svm.cpp: select_working_set with Gmax / Gmin2
over explicit loops, is_upper_bound / is_lower_bound helpers, calculate_rho with ub / lb for the case
without free vectors, rho returned negated as the intercept) and scipy's cdist for the RBF kernel.
Two things differ from a literal port, because the task prescribes them: libsvm's loops take the
LAST index on ties (they compare with >=), here the first wins (>), and the working set is the
first-order maximal violating pair (libsvm's default WSS is the second-order one)."""

import numpy as np
from scipy.spatial.distance import cdist


def kernel_matrix(X, Z, kernel="rbf", gamma=1.0, degree=3, coef0=1.0):
    if kernel == "linear":
        return np.dot(X, Z.T)
    if kernel == "poly":
        return np.power(gamma * np.dot(X, Z.T) + coef0, degree)
    if kernel == "rbf":
        return np.exp(-gamma * cdist(X, Z, "sqeuclidean"))
    raise ValueError(kernel)


def fit_svm(K, y, C=1.0, tol=1e-3, max_iter=100_000):
    n = len(y)
    alpha = np.zeros(n)
    G = np.full(n, -1.0)

    def is_upper_bound(t):
        return alpha[t] >= C

    def is_lower_bound(t):
        return alpha[t] <= 0

    def select_working_set():
        Gmax, Gmax_idx, Gmin, Gmin_idx = -np.inf, -1, np.inf, -1
        for t in range(n):
            in_up = (y[t] == 1 and not is_upper_bound(t)) or (y[t] == -1 and not is_lower_bound(t))
            in_low = (y[t] == 1 and not is_lower_bound(t)) or (y[t] == -1 and not is_upper_bound(t))
            if in_up and -y[t] * G[t] > Gmax:
                Gmax, Gmax_idx = -y[t] * G[t], t
            if in_low and -y[t] * G[t] < Gmin:
                Gmin, Gmin_idx = -y[t] * G[t], t
        return Gmax_idx, Gmin_idx, Gmax - Gmin

    for _ in range(max_iter):
        i, j, gap = select_working_set()
        if gap < tol:
            break
        quad = max(K[i, i] + K[j, j] - 2 * K[i, j], 1e-12)  # libsvm's TAU
        room_i = C - alpha[i] if y[i] == 1 else alpha[i]
        room_j = alpha[j] if y[j] == 1 else C - alpha[j]
        step = min(gap / quad, room_i, room_j)
        alpha[i] += y[i] * step
        alpha[j] -= y[j] * step
        for t in range(n):
            G[t] += step * y[t] * (K[t, i] - K[t, j])
    return alpha, -_calculate_rho(alpha, y, G, C)


def _calculate_rho(alpha, y, G, C):
    ub, lb, sum_free, nr_free = np.inf, -np.inf, 0.0, 0
    for t in range(len(y)):
        yG = y[t] * G[t]
        if alpha[t] >= C:
            if y[t] == -1:
                ub = min(ub, yG)
            else:
                lb = max(lb, yG)
        elif alpha[t] <= 0:
            if y[t] == 1:
                ub = min(ub, yG)
            else:
                lb = max(lb, yG)
        else:
            nr_free += 1
            sum_free += yG
    return sum_free / nr_free if nr_free > 0 else (ub + lb) / 2


def decision_function(K_test, alpha, y, b):
    return np.dot(K_test, alpha * y) + b


def fit_predict_ovo(X_train, y_train, X_test, C=1.0, kernel="rbf", gamma=1.0, degree=3, coef0=1.0):
    classes = sorted(set(int(c) for c in y_train))
    votes = np.zeros((len(X_test), len(classes)), dtype=int)
    for a in range(len(classes)):
        for c in range(a + 1, len(classes)):
            mask = (y_train == classes[a]) | (y_train == classes[c])
            Xp = X_train[mask]
            yp = np.where(y_train[mask] == classes[a], 1.0, -1.0)
            alpha, b = fit_svm(kernel_matrix(Xp, Xp, kernel, gamma, degree, coef0), yp, C)
            dec = decision_function(kernel_matrix(X_test, Xp, kernel, gamma, degree, coef0), alpha, yp, b)
            for m in range(len(X_test)):
                votes[m, a if dec[m] > 0 else c] += 1
    return np.array([classes[v] for v in votes.argmax(axis=1)])
