"""Correct, in the style of Hugging Face transformers' logits warpers (TemperatureLogitsWarper,
TopKLogitsWarper, TopPLogitsWarper) chained in a LogitsProcessorList-like list: top-p sorts ASCENDING and
removes the tokens whose cumulative mass is <= 1 - p (the same set as "keep while the mass above is < p"),
keeping the last (most likely) min_tokens_to_keep; filter_value is -inf; every warper returns a new tensor."""

import torch


class TemperatureLogitsWarper:
    def __init__(self, temperature):
        self.temperature = temperature

    def __call__(self, scores):
        return scores / self.temperature


class TopKLogitsWarper:
    def __init__(self, top_k, filter_value=-float("inf"), min_tokens_to_keep=1):
        self.top_k = max(top_k, min_tokens_to_keep)
        self.filter_value = filter_value

    def __call__(self, scores):
        top_k = min(self.top_k, scores.size(-1))
        indices_to_remove = scores < torch.topk(scores, top_k)[0][..., -1, None]
        return scores.masked_fill(indices_to_remove, self.filter_value)


class TopPLogitsWarper:
    def __init__(self, top_p, filter_value=-float("inf"), min_tokens_to_keep=1):
        self.top_p = float(top_p)
        self.filter_value = filter_value
        self.min_tokens_to_keep = min_tokens_to_keep

    def __call__(self, scores):
        sorted_logits, sorted_indices = torch.sort(scores, descending=False)
        cumulative_probs = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
        sorted_indices_to_remove = cumulative_probs <= (1 - self.top_p)
        sorted_indices_to_remove[..., -self.min_tokens_to_keep :] = 0
        indices_to_remove = sorted_indices_to_remove.scatter(-1, sorted_indices, sorted_indices_to_remove)
        return scores.masked_fill(indices_to_remove, self.filter_value)


def greedy(logits):
    return torch.argmax(logits, dim=-1)


def top_k_filter(logits, k):
    return TopKLogitsWarper(k)(logits)


def top_p_filter(logits, p):
    return TopPLogitsWarper(p)(logits)


def _warpers(temperature, top_k, top_p):
    warpers = []
    if temperature != 1.0:
        warpers.append(TemperatureLogitsWarper(temperature))
    if top_k is not None and top_k != 0:
        warpers.append(TopKLogitsWarper(top_k))
    if top_p is not None and top_p < 1.0:
        warpers.append(TopPLogitsWarper(top_p))
    return warpers


def sampling_probs(logits, temperature=1.0, top_k=None, top_p=None):
    if temperature == 0:  # do_sample=False: greedy search
        probs = torch.zeros_like(logits)
        return probs.scatter_(-1, logits.argmax(dim=-1, keepdim=True), 1.0)
    scores = logits
    for warper in _warpers(temperature, top_k, top_p):
        scores = warper(scores)
    return torch.nn.functional.softmax(scores, dim=-1)


def sample(logits, temperature=1.0, top_k=None, top_p=None, generator=None):
    probs = sampling_probs(logits, temperature, top_k, top_p)
    next_tokens = torch.multinomial(probs, num_samples=1, generator=generator)
    return next_tokens[:, 0]
