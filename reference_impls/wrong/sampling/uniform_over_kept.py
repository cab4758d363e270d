"""Wrong: sample draws uniformly among the tokens the filters kept, ignoring their probabilities."""

import torch

from reference_impls.torch.sampling import (  # noqa: F401 - as in the reference
    greedy,
    sampling_probs,
    top_k_filter,
    top_p_filter,
)

EXPECTED_HINT = "the samples do not follow sampling_probs"


def sample(logits, temperature=1.0, top_k=None, top_p=None, generator=None):
    kept = (sampling_probs(logits, temperature, top_k, top_p) > 0).to(logits.dtype)  # the mistake: 1 per kept token
    return torch.multinomial(kept / kept.sum(-1, keepdim=True), 1, generator=generator)[:, 0]
