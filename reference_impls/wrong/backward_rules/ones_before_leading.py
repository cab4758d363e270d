"""Wrong: unbroadcast sums the size-1 dimensions first, indexing grad by the operand's axes before the
prepended leading dimensions are gone, so the indices point at the wrong dimensions."""

from reference_impls.torch.backward_rules import (  # noqa: F401 - as in the reference
    add_backward,
    div_backward,
    mul_backward,
    relu_backward,
    sigmoid_backward,
    silu_backward,
    sub_backward,
    swiglu_backward,
    tanh_backward,
)

EXPECTED_HINT = "leading dimensions first"


def unbroadcast(grad, shape):
    for i, n in enumerate(shape):  # the mistake: before the leading dimensions are summed, i is off
        if n == 1 and grad.size(i) != 1:
            grad = grad.sum(i, keepdim=True)
    while grad.dim() > len(shape):
        grad = grad.sum(0)
    return grad
