"""Wrong: cross-entropy indexes logp[:, targets] (an N x N block) instead of logp[arange(N), targets]."""

from reference_impls.torch.softmax_torch import (  # noqa: F401 - as in the reference
    cross_entropy_backward,
    log_softmax,
    softmax,
    softmax_backward,
)

EXPECTED_HINT = "logp[:, targets] picks an (N, N) block"


def cross_entropy(logits, targets):
    return -log_softmax(logits)[:, targets].mean()  # the mistake: [:, targets], not [arange(N), targets]
