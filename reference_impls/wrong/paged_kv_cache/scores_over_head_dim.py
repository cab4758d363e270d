"""Wrong: the scores divided by head_dim instead of its square root."""

import torch

from reference_impls.torch.paged_kv import PagedKVCache  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "the scores are divided by head_dim"


def paged_attention(q, cache, seq_id):
    k, v = cache.gather(seq_id)
    Tq, L = q.size(0), k.size(0)
    s = torch.einsum("qhd,khd->hqk", q, k) / q.size(-1)  # the mistake: math.sqrt(q.size(-1))
    mask = torch.ones(Tq, L, dtype=torch.bool).tril(diagonal=L - Tq)
    s = s.masked_fill(~mask, float("-inf"))
    return torch.einsum("hqk,khd->qhd", torch.softmax(s, dim=-1), v)
