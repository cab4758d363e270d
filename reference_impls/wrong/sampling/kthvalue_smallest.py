"""Wrong: the top-k threshold from torch.kthvalue, which returns the k-th SMALLEST value."""

import torch

from reference_impls.torch.sampling import greedy, sample, sampling_probs, top_p_filter  # noqa: F401

EXPECTED_HINT = "torch.kthvalue(x, k) is the k-th SMALLEST value"


def top_k_filter(logits, k):
    kth = torch.kthvalue(logits, min(k, logits.size(-1)), dim=-1, keepdim=True).values  # the mistake
    return logits.masked_fill(logits < kth, float("-inf"))
