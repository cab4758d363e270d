"""Wrong: when every draft token is accepted, the extra token is drawn from p_probs[gamma - 1] (the row that
scored the last draft token) instead of p_probs[gamma] (the target's distribution after it)."""

import torch

from reference_impls.torch.speculative import residual_distribution

EXPECTED_HINT = "the extra token comes from p_probs[gamma]"
ALSO_APPLIES = ("the tokens do not follow the target model",)


def verify(draft_tokens, q_probs, p_probs, uniforms):
    for i, x in enumerate(draft_tokens.tolist()):
        if uniforms[i] * q_probs[i, x] > p_probs[i, x]:
            return i, residual_distribution(p_probs[i], q_probs[i])
    return len(draft_tokens), p_probs[len(draft_tokens) - 1]  # the mistake: p_probs[len(draft_tokens)]


def speculative_step(last_token, draft_table, target_table, gamma, generator=None):
    tokens, q_rows, prev = [], [], last_token
    for _ in range(gamma):
        q = draft_table[prev]
        prev = torch.multinomial(q, 1, generator=generator).item()
        tokens.append(prev)
        q_rows.append(q)
    p_rows = target_table[torch.tensor([last_token] + tokens)]
    uniforms = torch.rand(gamma, generator=generator, dtype=p_rows.dtype)
    n, next_probs = verify(torch.tensor(tokens), torch.stack(q_rows), p_rows, uniforms)
    return tokens[:n] + [torch.multinomial(next_probs, 1, generator=generator).item()]


def speculative_generate(last_token, n_tokens, draft_table, target_table, gamma, generator=None):
    out = []
    while len(out) < n_tokens:
        out += speculative_step(out[-1] if out else last_token, draft_table, target_table, gamma, generator)
    return out[:n_tokens]
