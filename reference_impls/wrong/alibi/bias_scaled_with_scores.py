"""Wrong: the bias added before the 1/sqrt(E) scaling, so it is scaled down with the scores."""

import math

import torch

from reference_impls.torch.alibi import alibi_bias, alibi_slopes  # noqa: F401 - as in the reference

EXPECTED_HINT = "the bias was divided by sqrt(E)"


def alibi_attention(q, k, v):
    T = q.size(-2)
    scores = (q @ k.transpose(-2, -1) + alibi_bias(q.size(1), T, q.dtype)) / math.sqrt(q.size(-1))  # the mistake
    scores = scores.masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), float("-inf"))
    return torch.softmax(scores, dim=-1) @ v
