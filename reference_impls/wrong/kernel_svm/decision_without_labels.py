"""Wrong: the decision function weights the kernel columns by alpha alone, dropping the labels."""

from reference_impls.numpy.kernel_svm import *  # the rest is right

EXPECTED_HINT = "alpha_i * y_i, not alpha_i"


def decision_function(K_test, alpha, y, b):
    return K_test @ alpha + b
