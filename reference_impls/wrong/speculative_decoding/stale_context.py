"""Wrong: every round drafts after the ORIGINAL last token instead of the last token generated so far."""

from reference_impls.torch.speculative import residual_distribution, speculative_step, verify  # noqa: F401

EXPECTED_HINT = "every round continues from the last token generated"


def speculative_generate(last_token, n_tokens, draft_table, target_table, gamma, generator=None):
    out = []
    while len(out) < n_tokens:
        out += speculative_step(last_token, draft_table, target_table, gamma, generator)  # the mistake: out[-1]
    return out[:n_tokens]
