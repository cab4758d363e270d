"""Correct, tinygrad / micrograd-extended style: unbroadcast by a while loop over leading dims then a loop
over size-1 dims; activation derivatives from their forward values."""

import torch


def unbroadcast(grad, shape):
    shape = tuple(shape)
    while grad.dim() > len(shape):
        grad = grad.sum(dim=0)
    for i, s in enumerate(shape):
        if s == 1 and grad.shape[i] != 1:
            grad = grad.sum(dim=i, keepdim=True)
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
    return grad_out * (x > 0).to(grad_out.dtype)


def sigmoid_backward(grad_out, x):
    s = torch.sigmoid(x)
    return grad_out * s * (1 - s)


def tanh_backward(grad_out, x):
    t = torch.tanh(x)
    return grad_out * (1 - t * t)


def silu_backward(grad_out, x):
    s = torch.sigmoid(x)
    return grad_out * s * (1 + x * (1 - s))


def swiglu_backward(grad_out, gate, up):
    s = torch.sigmoid(gate)
    silu = gate * s
    return grad_out * up * s * (1 + gate * (1 - s)), grad_out * silu
