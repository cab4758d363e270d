"""The Triton exercises' expected outputs, in plain PyTorch (CPU, or the inputs' device).

Each function has the name and parameters of the entry point it stands for. The kernels are
checked against these, not against themselves: `learn verify --reference module-1.5` is then a
real test of kernels/ (in the interpreter on CPU, compiled on a GPU).
"""

import torch

# The capstone's host side (quantize, dequantize, the multipliers) is plain torch in the reference:
# it is its own oracle; only the kernel, int8_add, gets an independent one below.
from reference_impls.triton.int8_add import (  # noqa: F401 - entry points of the oracle
    choose_qparams,
    dequantize,
    fixed_point_multipliers,
    quantize,
)


def vector_add(x, y):
    return x + y


def softmax(x):
    """In float32 whatever the input (as the kernels compute), rounded once to x's dtype."""
    return torch.softmax(x.to(torch.float32), dim=-1).to(x.dtype)


def matmul(a, b):
    """In float64 (no summation-order or TF32 error to speak of), rounded once to a's dtype."""
    return (a.to(torch.float64) @ b.to(torch.float64)).to(a.dtype)


def int8_add(a_q, b_q, a_scale, a_zero, b_scale, b_zero, out_scale, out_zero):
    """The kernel's integer arithmetic in torch ops (kernels/int8_add.py, int8_add_reference)."""
    from kernels.int8_add import int8_add_reference

    return int8_add_reference(a_q, b_q, a_scale, a_zero, b_scale, b_zero, out_scale, out_zero)
