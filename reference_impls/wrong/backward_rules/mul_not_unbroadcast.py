"""Wrong: mul_backward and div_backward return the gradients in the broadcast shape, not each operand's."""

from reference_impls.torch.backward_rules import (  # noqa: F401 - as in the reference
    add_backward,
    relu_backward,
    sigmoid_backward,
    silu_backward,
    sub_backward,
    swiglu_backward,
    tanh_backward,
    unbroadcast,
)

EXPECTED_HINT = "sum it back to each operand's shape"


def mul_backward(grad_out, a, b):
    return grad_out * b, grad_out * a  # the mistake: no unbroadcast


def div_backward(grad_out, a, b):
    return grad_out / b, -grad_out * a / (b * b)  # the mistake: no unbroadcast
