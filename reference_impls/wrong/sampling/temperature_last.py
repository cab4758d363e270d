"""Wrong: the temperature is applied after the filters: top-p's nucleus is chosen at temperature 1."""

import torch

from reference_impls.torch.sampling import greedy, sample, top_k_filter, top_p_filter  # noqa: F401

EXPECTED_HINT = "temperature is applied after the filters"


def sampling_probs(logits, temperature=1.0, top_k=None, top_p=None):
    if temperature == 0:
        return torch.nn.functional.one_hot(logits.argmax(dim=-1), logits.size(-1)).to(logits.dtype)
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None and top_p < 1.0:
        logits = top_p_filter(logits, top_p)
    return torch.softmax(logits / temperature, dim=-1)  # the mistake: temperature after the filters
