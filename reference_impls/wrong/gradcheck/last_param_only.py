"""Wrong: gradient_check overwrites its error in the loop and returns the LAST parameter's, not the max."""

from reference_impls.numpy.gradcheck import numerical_gradient, relative_error  # noqa: F401 - right

EXPECTED_HINT = "the max over EVERY parameter"


def gradient_check(f, params, grads, h=1e-6):
    err = 0.0
    for p, g in zip(params, grads):
        err = relative_error(g, numerical_gradient(f, p, h))  # the mistake: overwritten, not max(err, ...)
    return err
