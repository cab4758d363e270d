"""Correct, vectorized: every acceptance test at once (u <= min(1, p/q) over the gamma draft tokens), the
accepted prefix's length as the sum of the cumulative product of the accept mask (what batched
implementations do instead of a Python loop); the draft's rows gathered as draft_table[[last] + drafts[:-1]]."""

import torch


def residual_distribution(p, q):
    r = torch.clamp(p - q, min=0)
    return r / r.sum(dim=-1, keepdim=True)


def verify(draft_tokens, q_probs, p_probs, uniforms):
    gamma = draft_tokens.shape[0]
    idx = torch.arange(gamma)
    ratio = p_probs[idx, draft_tokens] / q_probs[idx, draft_tokens]
    accepted = uniforms <= torch.clamp(ratio, max=1.0)
    n = int(torch.cumprod(accepted.to(torch.int64), dim=0).sum())
    if n < gamma:
        return n, residual_distribution(p_probs[n], q_probs[n])
    return n, p_probs[gamma]


def speculative_step(last_token, draft_table, target_table, gamma, generator=None):
    drafts, prev = [], last_token
    for _ in range(gamma):
        prev = int(torch.multinomial(draft_table[prev], 1, generator=generator))
        drafts.append(prev)
    ctx = torch.tensor([last_token] + drafts)
    q_probs = draft_table[ctx[:-1]]
    p_probs = target_table[ctx]
    uniforms = torch.rand(gamma, generator=generator, dtype=p_probs.dtype)
    n, next_probs = verify(torch.tensor(drafts), q_probs, p_probs, uniforms)
    return drafts[:n] + [int(torch.multinomial(next_probs, 1, generator=generator))]


def speculative_generate(last_token, n_tokens, draft_table, target_table, gamma, generator=None):
    out = []
    while len(out) < n_tokens:
        out += speculative_step(out[-1] if out else last_token, draft_table, target_table, gamma, generator)
    return out[:n_tokens]
