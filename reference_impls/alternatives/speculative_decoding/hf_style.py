"""Correct, in the style of Hugging Face's _speculative_sampling: the acceptance test vectorized over the
gamma draft tokens (r_i <= p_i / q_i, the first rejection found with cumsum of ~accepted), the residual
as clamp(p - q, min=0) normalized, the bonus row taken when every token is accepted."""

import torch


def residual_distribution(p, q):
    diff = torch.clamp(p - q, min=0)
    return diff / diff.sum(dim=-1, keepdim=True)


def verify(draft_tokens, q_probs, p_probs, uniforms):
    gamma = draft_tokens.shape[0]
    idx = torch.arange(gamma)
    p_i = p_probs[idx, draft_tokens]
    q_i = q_probs[idx, draft_tokens]
    is_accepted = uniforms <= p_i / q_i
    n_matches = int(((~is_accepted).cumsum(dim=-1) < 1).sum())
    if n_matches < gamma:
        return n_matches, residual_distribution(p_probs[n_matches], q_probs[n_matches])
    return gamma, p_probs[gamma]


def speculative_step(last_token, draft_table, target_table, gamma, generator=None):
    candidate, q_rows = [last_token], []
    for _ in range(gamma):
        probs = draft_table[candidate[-1]]
        q_rows.append(probs)
        candidate.append(int(torch.multinomial(probs, num_samples=1, generator=generator)))
    new_tokens = torch.tensor(candidate[1:])
    p = target_table[torch.tensor(candidate)]  # one "forward pass" over the whole candidate
    r = torch.rand(gamma, generator=generator, dtype=p.dtype)
    n_matches, next_probs = verify(new_tokens, torch.stack(q_rows), p, r)
    t = int(torch.multinomial(next_probs, num_samples=1, generator=generator))
    return new_tokens[:n_matches].tolist() + [t]


def speculative_generate(last_token, n_tokens, draft_table, target_table, gamma, generator=None):
    generated = []
    while len(generated) < n_tokens:
        prev = generated[-1] if generated else last_token
        generated.extend(speculative_step(prev, draft_table, target_table, gamma, generator=generator))
    return generated[:n_tokens]
