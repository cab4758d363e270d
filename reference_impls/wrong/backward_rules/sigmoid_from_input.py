"""Wrong: sigmoid'(x) written as x (1 - x), the formula in terms of the OUTPUT s = sigmoid(x), applied to the input."""

from reference_impls.torch.backward_rules import (  # noqa: F401 - the rest is right
    add_backward,
    div_backward,
    mul_backward,
    relu_backward,
    silu_backward,
    sub_backward,
    swiglu_backward,
    tanh_backward,
    unbroadcast,
)

EXPECTED_HINT = "sigmoid'(x) = s (1 - s) with s = sigmoid(x)"


def sigmoid_backward(grad_out, x):
    return grad_out * x * (1 - x)  # the mistake: s (1 - s) needs s = sigmoid(x), not x
