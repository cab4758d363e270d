"""Wrong: nanoGPT's top-k, in place: logits[logits < v[:, [-1]]] = -inf writes into the caller's tensor."""

import torch

from reference_impls.torch.sampling import greedy, sample, sampling_probs, top_p_filter  # noqa: F401

EXPECTED_HINT = "modified its input"


def top_k_filter(logits, k):
    v, _ = torch.topk(logits, min(k, logits.size(-1)))
    logits[logits < v[:, [-1]]] = -float("Inf")  # the mistake: modifies the input
    return logits
