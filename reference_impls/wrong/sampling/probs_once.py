"""Wrong: filters the probabilities of the full vocabulary: top-p measures the mass before top-k, not renormalized
after it (the same distribution as top-p before top-k)."""

import torch

from reference_impls.torch.sampling import greedy, sample, top_k_filter, top_p_filter  # noqa: F401

EXPECTED_HINT = "then top-p on what top-k left (renormalized)"


def sampling_probs(logits, temperature=1.0, top_k=None, top_p=None):
    if temperature == 0:
        return torch.nn.functional.one_hot(logits.argmax(dim=-1), logits.size(-1)).to(logits.dtype)
    probs = torch.softmax(logits / temperature, dim=-1)
    if top_k is not None:
        kth = torch.topk(probs, min(top_k, probs.size(-1))).values[..., -1:]
        probs = probs.masked_fill(probs < kth, 0.0)
    if top_p is not None and top_p < 1.0:
        sp, order = probs.sort(dim=-1, descending=True)
        remove = sp.cumsum(-1) - sp >= top_p  # the mistake: mass of the unrenormalized top-k survivors
        remove[..., 0] = False
        probs = probs.masked_fill(remove.scatter(-1, order, remove), 0.0)
    return probs / probs.sum(-1, keepdim=True)
