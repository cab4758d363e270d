"""Wrong: returns libsvm's rho (the mean of y_t G_t over the free vectors) as b; the intercept is -rho."""

from reference_impls.numpy import kernel_svm as _ref
from reference_impls.numpy.kernel_svm import decision_function, fit_predict_ovo, kernel_matrix  # noqa: F401 - right

EXPECTED_HINT = "b has the wrong sign"
ALSO_APPLIES = ("differ from the prescribed ones", "alpha is optimal but b is not")


def fit_svm(K, y, C=1.0, tol=1e-3, max_iter=100_000):
    alpha, b = _ref.fit_svm(K, y, C, tol, max_iter)
    return alpha, -b  # the mistake: rho, not -rho
