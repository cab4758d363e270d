"""Wrong: subtracts the max of the whole tensor instead of each row's (right while all rows share a scale)."""

import torch

from reference_impls.torch.softmax_torch import (  # noqa: F401 - as in the reference
    cross_entropy,
    cross_entropy_backward,
    softmax_backward,
)

EXPECTED_HINT = "max of the whole tensor"


def softmax(x, dim=-1):
    e = torch.exp(x - x.max())  # the mistake: one max for every row
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x, dim=-1):
    shifted = x - x.max()
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))
