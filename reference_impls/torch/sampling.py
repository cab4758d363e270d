"""Decoding one token from logits: greedy, temperature, top-k and top-p (nucleus) sampling.

    greedy:       argmax(logits)
    temperature:  softmax(logits / T); T -> 0 is greedy, T = 1 the model's distribution, T > 1 flatter
    top-k:        keep the k largest logits (ties with the k-th kept too), -inf for the rest
    top-p:        keep the smallest set of most likely tokens whose probability reaches p: sort
                  descending, keep a token while the mass BEFORE it is < p (the token that crosses p
                  is kept; the most likely token always is), -inf for the rest
    order:        temperature, then top-k, then top-p on the renormalized survivors, then softmax
                  (Hugging Face's order of logits warpers), then sample

Source: Holtzman et al. 2020, "The Curious Case of Neural Text Degeneration", Sec. 3.1 (nucleus
sampling); Fan et al. 2018 (top-k); as transformers' TemperatureLogitsWarper / TopKLogitsWarper /
TopPLogitsWarper (which removes tokens whose ascending cumulative mass is <= 1 - p: the same set).
Limits: temperature 0 means greedy (a one-hot distribution); no min-p, no repetition penalty.
"""

import torch


def greedy(logits):
    """(..., V) -> (...) int64: the most likely token."""
    return logits.argmax(dim=-1)


def top_k_filter(logits, k):
    """(..., V) -> logits with everything below the k-th largest set to -inf."""
    kth = torch.topk(logits, min(k, logits.size(-1)), dim=-1).values[..., -1:]  # (..., 1)
    return logits.masked_fill(logits < kth, float("-inf"))


def top_p_filter(logits, p):
    """(..., V) -> logits outside the nucleus of mass p set to -inf."""
    sorted_logits, order = logits.sort(dim=-1, descending=True)
    probs = torch.softmax(sorted_logits, dim=-1)
    before = probs.cumsum(dim=-1) - probs  # mass of the tokens ranked above each one
    remove_sorted = before >= p
    remove_sorted[..., 0] = False  # the most likely token is always kept
    remove = remove_sorted.scatter(-1, order, remove_sorted)  # back to vocabulary order
    return logits.masked_fill(remove, float("-inf"))


def sampling_probs(logits, temperature=1.0, top_k=None, top_p=None):
    """(..., V) -> (..., V) the distribution a token is drawn from."""
    if temperature == 0:
        return torch.nn.functional.one_hot(logits.argmax(dim=-1), logits.size(-1)).to(logits.dtype)
    logits = logits / temperature
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None and top_p < 1.0:
        logits = top_p_filter(logits, top_p)
    return torch.softmax(logits, dim=-1)


def sample(logits, temperature=1.0, top_k=None, top_p=None, generator=None):
    """(B, V) -> (B,) int64 tokens drawn from sampling_probs with torch.multinomial."""
    probs = sampling_probs(logits, temperature, top_k, top_p)
    return torch.multinomial(probs, num_samples=1, generator=generator).squeeze(-1)
