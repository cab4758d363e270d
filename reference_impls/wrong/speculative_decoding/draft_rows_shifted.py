"""Wrong: q_probs taken as draft_table[x_i], the distribution AFTER each draft token, instead of the one
x_i was drawn from (draft_table[x_{i-1}]): the acceptance ratios compare the wrong rows."""

import torch

from reference_impls.torch.speculative import residual_distribution, verify  # noqa: F401 - as in the reference

EXPECTED_HINT = "q_probs[i] must be the draft distribution x_i was drawn from"
ALSO_APPLIES = ("the tokens do not follow the target model",)


def speculative_step(last_token, draft_table, target_table, gamma, generator=None):
    tokens, prev = [], last_token
    for _ in range(gamma):
        prev = torch.multinomial(draft_table[prev], 1, generator=generator).item()
        tokens.append(prev)
    q_rows = draft_table[torch.tensor(tokens)]  # the mistake: draft_table[[last_token] + tokens[:-1]]
    p_rows = target_table[torch.tensor([last_token] + tokens)]
    uniforms = torch.rand(gamma, generator=generator, dtype=p_rows.dtype)
    n, next_probs = verify(torch.tensor(tokens), q_rows, p_rows, uniforms)
    return tokens[:n] + [torch.multinomial(next_probs, 1, generator=generator).item()]


def speculative_generate(last_token, n_tokens, draft_table, target_table, gamma, generator=None):
    out = []
    while len(out) < n_tokens:
        out += speculative_step(out[-1] if out else last_token, draft_table, target_table, gamma, generator)
    return out[:n_tokens]
