"""Wrong: after a rejection, samples from the target p again instead of the residual max(0, p - q)."""

import torch

EXPECTED_HINT = "resample from the RESIDUAL"
ALSO_APPLIES = ("do not follow the target model",)


def residual_distribution(p, q):
    r = torch.clamp(p - q, min=0)
    return r / r.sum()


def verify(draft_tokens, q_probs, p_probs, uniforms):
    for i in range(len(draft_tokens)):
        x = draft_tokens[i]
        if uniforms[i] > p_probs[i, x] / q_probs[i, x]:
            return i, p_probs[i]  # should be the residual
    return len(draft_tokens), p_probs[-1]


def speculative_step(last_token, draft_table, target_table, gamma, generator=None):
    tokens, prev = [], last_token
    for _ in range(gamma):
        prev = int(torch.multinomial(draft_table[prev], 1, generator=generator))
        tokens.append(prev)
    q = draft_table[[last_token] + tokens[:-1]]
    p = target_table[[last_token] + tokens]
    n, nxt = verify(torch.tensor(tokens), q, p, torch.rand(gamma, generator=generator, dtype=p.dtype))
    return tokens[:n] + [int(torch.multinomial(nxt, 1, generator=generator))]


def speculative_generate(last_token, n_tokens, draft_table, target_table, gamma, generator=None):
    out = []
    while len(out) < n_tokens:
        out += speculative_step(out[-1] if out else last_token, draft_table, target_table, gamma, generator)
    return out[:n_tokens]
