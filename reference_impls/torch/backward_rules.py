"""Backward rules by hand: add, sub, mul, div with broadcasting, and the activations' derivatives.

    z = a + b:  da = dz,        db = dz
    z = a - b:  da = dz,        db = -dz
    z = a * b:  da = dz * b,    db = dz * a
    z = a / b:  da = dz / b,    db = -dz * a / b^2

With broadcasting, dz has the broadcast shape and each operand's gradient must be summed back to
the operand's shape ("unbroadcast"): over the leading dimensions broadcasting prepended, and with
keepdim over every dimension where the operand had size 1. (A bias b of shape (C,) added to x of
shape (N, C) gets db = dz.sum(0); a (N, 1) column gets dz.sum(1, keepdim=True).)

    relu'(x) = 1 if x > 0 else 0 (0 at x = 0, as PyTorch)     sigmoid'(x) = s (1 - s)
    tanh'(x) = 1 - tanh(x)^2                                  silu'(x) = s + x s (1 - s),  s = sigmoid(x)
    swiglu(g, u) = silu(g) * u:  d/dg = dz * u * silu'(g),  d/du = dz * silu(g)   (Shazeer 2020, the gate)

Source: the chain rule as autograd applies it (torch's derivatives.yaml: sum_to_size for broadcast
operands); checked against torch.autograd. Limits: gradients for float tensors only.
"""

import torch


def unbroadcast(grad, shape):
    """Sum `grad` (of the broadcast shape) down to `shape`."""
    shape = tuple(shape)
    extra = grad.dim() - len(shape)
    if extra:
        grad = grad.sum(dim=tuple(range(extra)))  # the dimensions broadcasting prepended
    ones = tuple(i for i, n in enumerate(shape) if n == 1 and grad.size(i) != 1)
    if ones:
        grad = grad.sum(dim=ones, keepdim=True)  # the size-1 dimensions it stretched
    return grad


def add_backward(grad_out, a_shape, b_shape):
    return unbroadcast(grad_out, a_shape), unbroadcast(grad_out, b_shape)


def sub_backward(grad_out, a_shape, b_shape):
    return unbroadcast(grad_out, a_shape), unbroadcast(-grad_out, b_shape)


def mul_backward(grad_out, a, b):
    return unbroadcast(grad_out * b, a.shape), unbroadcast(grad_out * a, b.shape)


def div_backward(grad_out, a, b):
    return unbroadcast(grad_out / b, a.shape), unbroadcast(-grad_out * a / (b * b), b.shape)


def relu_backward(grad_out, x):
    return grad_out * (x > 0)  # a float tensor times a bool one keeps the float dtype


def sigmoid_backward(grad_out, x):
    s = torch.sigmoid(x)
    return grad_out * s * (1 - s)


def tanh_backward(grad_out, x):
    t = torch.tanh(x)
    return grad_out * (1 - t * t)


def silu_backward(grad_out, x):
    s = torch.sigmoid(x)
    return grad_out * (s + x * s * (1 - s))


def swiglu_backward(grad_out, gate, up):
    """Gradients of silu(gate) * up with respect to (gate, up)."""
    s = torch.sigmoid(gate)
    return grad_out * up * (s + gate * s * (1 - s)), grad_out * gate * s
