"""Speculative decoding: a small draft model proposes, the large target model verifies.

One round: the draft samples gamma tokens x_1..x_gamma from its distributions q_1..q_gamma; the
target scores all of them in ONE forward pass, giving p_1..p_gamma+1. Then, in order,

    accept x_i when u_i <= p_i(x_i) / q_i(x_i)        (u_i ~ U(0, 1); always when p_i(x_i) >= q_i(x_i))
    at the first rejection, stop and sample from the residual norm(max(0, p_i - q_i))
    when all gamma are accepted, sample one more token from p_gamma+1

Each round yields 1 to gamma + 1 tokens for one target pass, and the tokens are distributed exactly
as sampling from the target alone: P(x) = q(x) min(1, p(x)/q(x)) + (1 - sum_y min(p(y), q(y))) *
residual(x) = min(p, q)(x) + max(0, p - q)(x) = p(x). The draft only changes the speed (the
expected number of accepted tokens grows with sum_y min(p(y), q(y))), never the output.

The "models" here are bigram tables, table[u] = the distribution of the token after u: enough to
run the algorithm and test its output distribution exactly (chi-square in tests/reference).

Source: Leviathan et al. 2023, "Fast Inference from Transformers via Speculative Decoding",
Algorithm 1 and Theorem 3.5 (accept when r <= p/q); Chen et al. 2023, "Accelerating Large Language
Model Decoding with Speculative Sampling", Algorithm 2. Limits: batch 1, a fixed gamma, bigram models.
"""

import torch


def residual_distribution(p, q):
    """norm(max(0, p - q)): (V,) -> (V,). Only called after a rejection, when p != q, so the sum is > 0."""
    r = (p - q).clamp(min=0)
    return r / r.sum()


def verify(draft_tokens, q_probs, p_probs, uniforms):
    """draft_tokens (gamma,) int64, q_probs (gamma, V), p_probs (gamma + 1, V), uniforms (gamma,)
    -> (n_accepted: int, next_probs (V,): the distribution of the token that follows them)."""
    for i, x in enumerate(draft_tokens.tolist()):
        if uniforms[i] * q_probs[i, x] > p_probs[i, x]:  # u > p/q without dividing: rejected
            return i, residual_distribution(p_probs[i], q_probs[i])
    return len(draft_tokens), p_probs[len(draft_tokens)]


def speculative_step(last_token, draft_table, target_table, gamma, generator=None):
    """One round after `last_token` -> the new tokens (a list of 1 to gamma + 1 ints)."""
    tokens, q_rows, prev = [], [], last_token
    for _ in range(gamma):  # the draft runs autoregressively: cheap
        q = draft_table[prev]
        prev = torch.multinomial(q, 1, generator=generator).item()
        tokens.append(prev)
        q_rows.append(q)
    p_rows = target_table[torch.tensor([last_token] + tokens)]  # (gamma + 1, V): one target pass
    uniforms = torch.rand(gamma, generator=generator, dtype=p_rows.dtype)
    n, next_probs = verify(torch.tensor(tokens), torch.stack(q_rows), p_rows, uniforms)
    return tokens[:n] + [torch.multinomial(next_probs, 1, generator=generator).item()]


def speculative_generate(last_token, n_tokens, draft_table, target_table, gamma, generator=None):
    """n_tokens tokens after `last_token`, by rounds of speculative_step."""
    out = []
    while len(out) < n_tokens:
        out += speculative_step(out[-1] if out else last_token, draft_table, target_table, gamma, generator)
    return out[:n_tokens]
