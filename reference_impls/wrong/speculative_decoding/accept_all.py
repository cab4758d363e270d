"""Wrong: speculative_step keeps every draft token (no accept / reject), so the output follows the draft."""

import torch

EXPECTED_HINT = "the tokens follow the DRAFT model"


def residual_distribution(p, q):
    r = torch.clamp(p - q, min=0)
    return r / r.sum()


def verify(draft_tokens, q_probs, p_probs, uniforms):
    for i in range(len(draft_tokens)):
        x = draft_tokens[i]
        if uniforms[i] * q_probs[i, x] > p_probs[i, x]:
            return i, residual_distribution(p_probs[i], q_probs[i])
    return len(draft_tokens), p_probs[len(draft_tokens)]


def speculative_step(last_token, draft_table, target_table, gamma, generator=None):
    tokens, prev = [], last_token
    for _ in range(gamma + 1):
        prev = int(torch.multinomial(draft_table[prev], 1, generator=generator))
        tokens.append(prev)
    return tokens  # never checked against the target


def speculative_generate(last_token, n_tokens, draft_table, target_table, gamma, generator=None):
    out = []
    while len(out) < n_tokens:
        out += speculative_step(out[-1] if out else last_token, draft_table, target_table, gamma, generator)
    return out[:n_tokens]
