"""Wrong (by one token, at a mass exactly p): the widely copied top_k_top_p_filtering rule, remove where
cumulative_probs > p shifted right by one: where the top tokens' mass equals p exactly, it keeps one more."""

import torch
import torch.nn.functional as F

from reference_impls.torch.sampling import greedy, sample, sampling_probs, top_k_filter  # noqa: F401

EXPECTED_HINT = "reaches p exactly"


def top_p_filter(logits, p):
    sorted_logits, sorted_indices = torch.sort(logits, descending=True)
    cumulative_probs = torch.cumsum(F.softmax(sorted_logits, dim=-1), dim=-1)
    sorted_indices_to_remove = cumulative_probs > p  # the mistake: > keeps the next token when the sum is exactly p
    sorted_indices_to_remove[..., 1:] = sorted_indices_to_remove[..., :-1].clone()
    sorted_indices_to_remove[..., 0] = False
    indices_to_remove = sorted_indices_to_remove.scatter(-1, sorted_indices, sorted_indices_to_remove)
    return logits.masked_fill(indices_to_remove, float("-inf"))
