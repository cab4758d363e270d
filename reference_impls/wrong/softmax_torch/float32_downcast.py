"""Wrong: Hugging Face's `softmax(x, dtype=torch.float32).to(x.dtype)` pattern applied to float64 input: an
upcast for half precision, but a downcast here, right only to float32's ~7 digits."""

import torch

from reference_impls.torch.softmax_torch import (  # noqa: F401 - as in the reference
    cross_entropy,
    cross_entropy_backward,
    log_softmax,
    softmax_backward,
)

EXPECTED_HINT = "computed in float32"


def softmax(x, dim=-1):
    x32 = x.to(torch.float32)  # the mistake: float64 logits rounded to float32
    e = torch.exp(x32 - x32.amax(dim=dim, keepdim=True))
    return (e / e.sum(dim=dim, keepdim=True)).to(x.dtype)
