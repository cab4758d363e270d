"""Correct, in the Gumbel-max style (as in some JAX / research samplers): the temperature applied to
log-probabilities (log_softmax / T, the same distribution as softmax(logits / T)), and a token drawn as
argmax(log p + Gumbel noise) from the seeded generator's uniforms instead of torch.multinomial."""

import torch

from reference_impls.torch.sampling import greedy, top_k_filter, top_p_filter  # noqa


def sampling_probs(logits, temperature=1.0, top_k=None, top_p=None):
    if temperature == 0:
        return torch.nn.functional.one_hot(logits.argmax(-1), logits.size(-1)).to(logits.dtype)
    logits = torch.log_softmax(logits, -1) / temperature
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None and top_p < 1:
        logits = top_p_filter(logits, top_p)
    return torch.softmax(logits, -1)


def sample(logits, temperature=1.0, top_k=None, top_p=None, generator=None):
    probs = sampling_probs(logits, temperature, top_k, top_p)
    u = torch.rand(probs.shape, generator=generator, dtype=torch.float64).clamp_min(1e-20)
    gumbel = -torch.log(-torch.log(u))
    return (probs.double().log() + gumbel).argmax(dim=-1)
