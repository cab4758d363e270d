"""Correct, in the style of PyTorch's own autograd formulas (tools/autograd/derivatives.yaml): every
broadcast gradient is reduced with Tensor.sum_to_size, the quotient rule is written as
(-grad * (a / b) / b), and the activation derivatives use the closed forms of the docs: sech^2 for
tanh, sigmoid(x) (1 + x (1 - sigmoid(x))) for SiLU, a torch.where for ReLU."""

import torch
import torch.nn.functional as F


def unbroadcast(grad, shape):
    shape = torch.Size(shape)
    if grad.shape == shape:
        return grad
    if len(shape) == 0:
        return grad.sum()
    return grad.sum_to_size(shape)


def add_backward(grad_out, a_shape, b_shape):
    return unbroadcast(grad_out, a_shape), unbroadcast(grad_out, b_shape)


def sub_backward(grad_out, a_shape, b_shape):
    return unbroadcast(grad_out, a_shape), unbroadcast(grad_out.neg(), b_shape)


def mul_backward(grad_out, a, b):
    return unbroadcast(grad_out.mul(b), a.shape), unbroadcast(grad_out.mul(a), b.shape)


def div_backward(grad_out, a, b):
    return unbroadcast(grad_out.div(b), a.shape), unbroadcast(-grad_out * (a / b) / b, b.shape)


def relu_backward(grad_out, x):
    return torch.where(x > 0, grad_out, torch.zeros_like(grad_out))


def sigmoid_backward(grad_out, x):
    s = torch.sigmoid(x)
    return grad_out * s * (1 - s)


def tanh_backward(grad_out, x):
    return grad_out / torch.cosh(x).pow(2)


def silu_backward(grad_out, x):
    s = torch.sigmoid(x)
    return grad_out * s * (1 + x * (1 - s))


def swiglu_backward(grad_out, gate, up):
    return silu_backward(grad_out * up, gate), grad_out * F.silu(gate)
