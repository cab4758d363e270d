"""Wrong: top-p accumulates the sorted LOGITS, not their softmax probabilities."""

from reference_impls.torch.sampling import greedy, sample, sampling_probs, top_k_filter  # noqa: F401

EXPECTED_HINT = "top-p accumulates the logits"


def top_p_filter(logits, p):
    sorted_logits, order = logits.sort(dim=-1, descending=True)
    before = sorted_logits.cumsum(dim=-1) - sorted_logits  # the mistake: a sum of logits is no probability mass
    remove = before >= p
    remove[..., 0] = False
    return logits.masked_fill(remove.scatter(-1, order, remove), float("-inf"))
