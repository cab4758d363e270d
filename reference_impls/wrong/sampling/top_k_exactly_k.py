"""Wrong: top-k by scattering the topk values into a -inf tensor: exactly k kept, ties with the k-th dropped."""

import torch

from reference_impls.torch.sampling import greedy, sample, sampling_probs, top_p_filter  # noqa: F401

EXPECTED_HINT = "exactly k tokens kept"


def top_k_filter(logits, k):
    values, index = torch.topk(logits, min(k, logits.size(-1)), dim=-1)
    return torch.full_like(logits, float("-inf")).scatter(-1, index, values)  # the mistake: ties beyond k dropped
