"""Wrong: greedy takes the argmax over the batch axis (dim=0)."""

from reference_impls.torch.sampling import sample, sampling_probs, top_k_filter, top_p_filter  # noqa: F401

EXPECTED_HINT = "over the batch axis"


def greedy(logits):
    return logits.argmax(dim=0)  # the mistake
