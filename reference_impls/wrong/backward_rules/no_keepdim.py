"""Wrong: unbroadcast sums the size-1 dimensions without keepdim=True, so (3, 1) comes back as (3,)."""

import torch

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


def relu_backward(grad_out, x):
    return grad_out * (x > 0)


def sigmoid_backward(grad_out, x):
    s = torch.sigmoid(x)
    return grad_out * s * (1 - s)


def tanh_backward(grad_out, x):
    return grad_out * (1 - torch.tanh(x) ** 2)


def silu_backward(grad_out, x):
    s = torch.sigmoid(x)
    return grad_out * s * (1 + x * (1 - s))


def swiglu_backward(grad_out, gate, up):
    s = torch.sigmoid(gate)
    return grad_out * up * s * (1 + gate * (1 - s)), grad_out * gate * s
