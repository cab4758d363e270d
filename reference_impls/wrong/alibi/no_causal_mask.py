"""Wrong: adds the bias but forgets the causal mask (keys in the future get a positive bias)."""

import math

from reference_impls.torch.alibi import alibi_bias, alibi_slopes  # noqa: F401 - as in the reference

EXPECTED_HINT = "the causal mask is missing"


def alibi_attention(q, k, v):
    # the mistake: no causal mask before the softmax
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1)) + alibi_bias(q.size(1), q.size(-2), q.dtype)
    return scores.softmax(-1) @ v
