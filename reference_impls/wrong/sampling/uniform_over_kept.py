"""Wrong: sample draws uniformly among the tokens the filters kept, ignoring their probabilities."""

import torch

EXPECTED_HINT = "the samples do not follow sampling_probs"


def greedy(logits):
    return logits.argmax(-1)


def top_k_filter(logits, k):
    v = torch.topk(logits, min(k, logits.shape[-1])).values[..., -1, None]
    return torch.where(logits < v, float("-inf"), logits)


def top_p_filter(logits, p):
    sorted_logits, order = logits.sort(descending=True)
    probs = sorted_logits.softmax(-1)
    remove = probs.cumsum(-1) - probs >= p
    remove[..., 0] = False
    return logits.masked_fill(remove.scatter(-1, order, remove), float("-inf"))


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
    kept = (sampling_probs(logits, temperature, top_k, top_p) > 0).to(logits.dtype)
    return torch.multinomial(kept / kept.sum(-1, keepdim=True), 1, generator=generator)[:, 0]
