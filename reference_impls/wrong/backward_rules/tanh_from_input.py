"""Wrong: tanh'(x) written as 1 - x^2, the formula in terms of the OUTPUT y = tanh(x), applied to the input x."""

from reference_impls.torch.backward_rules import (  # noqa: F401 - the rest is right
    add_backward,
    div_backward,
    mul_backward,
    relu_backward,
    sigmoid_backward,
    silu_backward,
    sub_backward,
    swiglu_backward,
    unbroadcast,
)

EXPECTED_HINT = "tanh'(x) = 1 - tanh(x)^2"


def tanh_backward(grad_out, x):
    return grad_out * (1 - x * x)  # the mistake: x is the input; 1 - y^2 needs y = tanh(x)
