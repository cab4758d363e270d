"""Wrong: z = a / b gives db = -dz / b^2, dropping the a of d(a b^-1)/db = -a b^-2."""

from reference_impls.torch.backward_rules import (  # noqa: F401 - the rest is right
    add_backward,
    mul_backward,
    relu_backward,
    sigmoid_backward,
    silu_backward,
    sub_backward,
    swiglu_backward,
    tanh_backward,
    unbroadcast,
)

EXPECTED_HINT = "db = -dz * a / b^2"


def div_backward(grad_out, a, b):
    return unbroadcast(grad_out / b, a.shape), unbroadcast(-grad_out / (b * b), b.shape)  # the mistake: no a
