"""Wrong: the round's last token drawn from the target's row after the accepted tokens, ignoring verify's
next_probs: on a rejection that is p again, not the residual max(0, p - q)."""

import torch

from reference_impls.torch.speculative import residual_distribution, verify  # noqa: F401

EXPECTED_HINT = "the round's last token comes from verify's next_probs"
ALSO_APPLIES = ("the tokens do not follow the target model",)


def speculative_step(last_token, draft_table, target_table, gamma, generator=None):
    tokens, q_rows, prev = [], [], last_token
    for _ in range(gamma):
        q = draft_table[prev]
        prev = torch.multinomial(q, 1, generator=generator).item()
        tokens.append(prev)
        q_rows.append(q)
    context = torch.tensor([last_token] + tokens)
    p_rows = target_table[context]
    uniforms = torch.rand(gamma, generator=generator, dtype=p_rows.dtype)
    n, _ = verify(torch.tensor(tokens), torch.stack(q_rows), p_rows, uniforms)
    row = target_table[context[n]]  # the mistake: next_probs ignored, the target's row even after a rejection
    return tokens[:n] + [torch.multinomial(row, 1, generator=generator).item()]


def speculative_generate(last_token, n_tokens, draft_table, target_table, gamma, generator=None):
    out = []
    while len(out) < n_tokens:
        out += speculative_step(out[-1] if out else last_token, draft_table, target_table, gamma, generator)
    return out[:n_tokens]
