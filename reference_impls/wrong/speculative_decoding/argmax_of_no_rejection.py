"""Wrong: the first rejection found by argmax over the rejection mask, which is 0 when nothing is rejected."""

import torch

from reference_impls.torch.speculative import residual_distribution, speculative_generate, speculative_step  # noqa: F401

EXPECTED_HINT = "nothing rejected: n_accepted is gamma"


def verify(draft_tokens, q_probs, p_probs, uniforms):
    gamma = draft_tokens.shape[0]
    rows = torch.arange(gamma)
    rejected = uniforms > p_probs[rows, draft_tokens] / q_probs[rows, draft_tokens]
    n = int(rejected.int().argmax())  # the mistake: argmax of all-False is 0, not gamma
    if rejected[n]:
        return n, residual_distribution(p_probs[n], q_probs[n])
    return n, p_probs[n]
