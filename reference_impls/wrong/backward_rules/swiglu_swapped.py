"""Wrong: swiglu_backward returns the two gradients in the wrong order (d up, d gate)."""

import torch

from reference_impls.torch.backward_rules import (  # noqa: F401 - as in the reference
    add_backward,
    div_backward,
    mul_backward,
    relu_backward,
    sigmoid_backward,
    silu_backward,
    sub_backward,
    tanh_backward,
    unbroadcast,
)

EXPECTED_HINT = "swiglu's two gradients are swapped"


def swiglu_backward(grad_out, gate, up):
    s = torch.sigmoid(gate)
    return grad_out * gate * s, grad_out * up * s * (1 + gate * (1 - s))  # the mistake: (d up, d gate)
