"""Wrong: the gradient subtracts the one-hot from every row's column targets (g[:, targets] -= 1)."""

from reference_impls.torch.softmax_torch import (  # noqa: F401 - as in the reference
    cross_entropy,
    log_softmax,
    softmax,
    softmax_backward,
)

EXPECTED_HINT = "the one-hot is subtracted in the wrong place"


def cross_entropy_backward(logits, targets):
    g = softmax(logits)
    g[:, targets] -= 1  # the mistake: every row's target columns, not g[arange(N), targets]
    return g / len(targets)
