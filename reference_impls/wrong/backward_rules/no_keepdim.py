"""Wrong: unbroadcast sums the size-1 dimensions without keepdim=True, so (3, 1) comes back as (3,)."""

from reference_impls.torch.backward_rules import (  # noqa: F401 - as in the reference
    relu_backward,
    sigmoid_backward,
    silu_backward,
    swiglu_backward,
    tanh_backward,
)

EXPECTED_HINT = "without keepdim=True"


def unbroadcast(grad, shape):
    while grad.dim() > len(shape):
        grad = grad.sum(0)
    for i, n in enumerate(shape):
        if n == 1 and grad.size(i) != 1:
            grad = grad.sum(i)  # drops the dimension: the later indices shift too
    return grad


def add_backward(grad_out, a_shape, b_shape):
    return unbroadcast(grad_out, a_shape), unbroadcast(grad_out, b_shape)


def sub_backward(grad_out, a_shape, b_shape):
    return unbroadcast(grad_out, a_shape), unbroadcast(-grad_out, b_shape)


def mul_backward(grad_out, a, b):
    return unbroadcast(grad_out * b, a.shape), unbroadcast(grad_out * a, b.shape)


def div_backward(grad_out, a, b):
    return unbroadcast(grad_out / b, a.shape), unbroadcast(-grad_out * a / b**2, b.shape)
