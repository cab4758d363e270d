"""Wrong: speculative_step keeps every draft token (no accept / reject), so the output follows the draft."""

import torch

from reference_impls.torch.speculative import residual_distribution, verify  # noqa: F401 - as in the reference

EXPECTED_HINT = "the tokens follow the DRAFT model"
ALSO_APPLIES = ("do not follow the target model",)


def speculative_step(last_token, draft_table, target_table, gamma, generator=None):
    tokens, prev = [], last_token
    for _ in range(gamma + 1):
        prev = int(torch.multinomial(draft_table[prev], 1, generator=generator))
        tokens.append(prev)
    return tokens  # the mistake: never checked against the target


def speculative_generate(last_token, n_tokens, draft_table, target_table, gamma, generator=None):
    out = []
    while len(out) < n_tokens:
        out += speculative_step(out[-1] if out else last_token, draft_table, target_table, gamma, generator)
    return out[:n_tokens]
