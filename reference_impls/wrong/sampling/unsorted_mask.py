"""Wrong: top-p computes the removal mask in sorted order and applies it to the unsorted logits."""

import torch

from reference_impls.torch.sampling import greedy, top_k_filter  # noqa: F401 - as in the reference

EXPECTED_HINT = "scatter the mask back"


def top_p_filter(logits, p):
    probs, _ = torch.softmax(logits, -1).sort(descending=True)
    remove = probs.cumsum(-1) - probs >= p
    remove[..., 0] = False
    return logits.masked_fill(remove, float("-inf"))  # the mistake: positions of the SORTED order


def sampling_probs(logits, temperature=1.0, top_k=None, top_p=None):
    if temperature == 0:
        return torch.nn.functional.one_hot(logits.argmax(-1), logits.shape[-1]).to(logits.dtype)
    logits = logits / temperature
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None and top_p < 1:
        logits = top_p_filter(logits, top_p)
    return logits.softmax(-1)


def sample(logits, temperature=1.0, top_k=None, top_p=None, generator=None):
    return torch.multinomial(sampling_probs(logits, temperature, top_k, top_p), 1, generator=generator)[:, 0]
