"""A kernel support vector machine: linear / polynomial / RBF kernels, the dual solved by SMO,
one-vs-one for several classes, in NumPy.

Kernels (scikit-learn's parameters):
    linear      K(x, z) = x . z
    polynomial  K(x, z) = (gamma x . z + coef0)^degree
    rbf         K(x, z) = exp(-gamma ||x - z||^2)
The dual of the soft-margin SVM (y_i in {-1, +1}), with Q_ij = y_i y_j K_ij:
    min_a  f(a) = 1/2 a^T Q a - sum_i a_i      s.t.  0 <= a_i <= C,  sum_i y_i a_i = 0
    decision(x) = sum_i a_i y_i K(x_i, x) + b
SMO (Platt 1998) with the maximal violating pair (Keerthi et al. 2001; libsvm's first-order
working set): with G = Q a - 1 (the gradient),
    I_up  = {t: a_t < C, y_t = +1  or  a_t > 0, y_t = -1}   (a_t can move so that y_t a_t grows)
    I_low = {t: a_t < C, y_t = -1  or  a_t > 0, y_t = +1}
    i = argmax_{I_up} -y_t G_t,   j = argmin_{I_low} -y_t G_t;   stop when the gap m - M < tol
and move a_i += y_i t, a_j -= y_j t (sum y a unchanged) by the step t that minimises f along that
line, t = (m - M) / (K_ii + K_jj - 2 K_ij), clipped to the box. Then G += t y (K[:, i] - K[:, j]).
b: the mean of -y_i G_i over the free vectors (0 < a_i < C), where y_i decision(x_i) = 1 holds
exactly; (m + M) / 2 when there is none (libsvm's rule, so b = sklearn's intercept_).

Source: Platt 1998 (MSR-TR-98-14); Fan, Chen & Lin 2005, "Working Set Selection Using Second Order
Information" (JMLR 6), section 2; libsvm's Solver, which sklearn.svm.SVC runs (its tol = 1e-3,
its one-vs-one voting: for the pair (c1 < c2) class c1 is +1, ties go to the lower class).
Limits: O(N) work per iteration on a precomputed (N, N) kernel: for N up to a few thousand.
"""

import numpy as np


def kernel_matrix(X, Z, kernel="rbf", gamma=1.0, degree=3, coef0=1.0):
    """(N, M) kernel between the rows of X (N, D) and Z (M, D)."""
    if kernel == "linear":
        return X @ Z.T
    if kernel == "poly":
        return (gamma * (X @ Z.T) + coef0) ** degree
    if kernel == "rbf":
        sq = (X * X).sum(1)[:, None] + (Z * Z).sum(1)[None, :] - 2 * X @ Z.T  # ||x - z||^2
        return np.exp(-gamma * np.maximum(sq, 0))  # rounding can make sq slightly negative
    raise ValueError(f"unknown kernel {kernel!r}")


def _index_sets(alpha, pos, C):
    """I_up and I_low as boolean masks, given pos = (y == +1): the t where y_t alpha_t can grow
    (alpha_t < C for y_t = +1, alpha_t > 0 for y_t = -1) and where it can shrink (the other way round)."""
    up = np.where(pos, alpha < C, alpha > 0)
    low = np.where(pos, alpha > 0, alpha < C)
    return up, low


def fit_svm(K, y, C=1.0, tol=1e-3, max_iter=100_000):
    """Dual SVM on the (N, N) training kernel K, labels y in {-1, +1}. Returns (alpha (N,), b)."""
    n = len(y)
    a = np.zeros(n)
    G = -np.ones(n)  # Q a - 1 at a = 0
    diag = np.diag(K)
    pos = y > 0  # the +1 labels
    for _ in range(max_iter):
        yG = -y * G
        up, low = _index_sets(a, pos, C)
        i = np.flatnonzero(up)[np.argmax(yG[up])]
        j = np.flatnonzero(low)[np.argmin(yG[low])]
        gap = yG[i] - yG[j]
        if gap < tol:
            break
        eta = max(diag[i] + diag[j] - 2 * K[i, j], 1e-12)
        room_i = C - a[i] if pos[i] else a[i]  # how far a_i + y_i t may go
        room_j = a[j] if pos[j] else C - a[j]  # how far a_j - y_j t may go
        t = min(gap / eta, room_i, room_j)
        a[i] += y[i] * t
        a[j] -= y[j] * t
        G += t * y * (K[:, i] - K[:, j])
    yG = -y * G
    free = (a > 0) & (a < C)
    if free.any():
        b = yG[free].mean()
    else:
        up, low = _index_sets(a, pos, C)
        b = (yG[up].max() + yG[low].min()) / 2
    return a, float(b)


def dual_objective(K, y, alpha):
    """The dual to maximise: sum(alpha) - 1/2 (alpha y)^T K (alpha y)."""
    v = alpha * y
    return float(alpha.sum() - 0.5 * v @ K @ v)


def decision_function(K_test, alpha, y, b):
    """K_test (M, N) between test and training points -> (M,) decision values."""
    return K_test @ (alpha * y) + b


def fit_predict_ovo(X_train, y_train, X_test, C=1.0, kernel="rbf", gamma=1.0, degree=3, coef0=1.0):
    """Classes 0..K-1: one binary SVM per pair (c1 < c2), c1 as +1; each votes; most votes wins."""
    classes = np.unique(y_train)
    votes = np.zeros((len(X_test), len(classes)), dtype=np.int64)
    for p, c1 in enumerate(classes):
        for q in range(p + 1, len(classes)):
            rows = (y_train == c1) | (y_train == classes[q])
            Xp, yp = X_train[rows], np.where(y_train[rows] == c1, 1.0, -1.0)
            alpha, b = fit_svm(kernel_matrix(Xp, Xp, kernel, gamma, degree, coef0), yp, C)
            f = decision_function(kernel_matrix(X_test, Xp, kernel, gamma, degree, coef0), alpha, yp, b)
            votes[f > 0, p] += 1
            votes[f <= 0, q] += 1
    return classes[np.argmax(votes, axis=1)]  # ties: the first (lowest) class
