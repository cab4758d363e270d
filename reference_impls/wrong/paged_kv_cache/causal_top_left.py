"""Wrong: the causal mask of a chunk of queries is tril(0), aligned top-left, as if the queries were the FIRST Tq tokens."""

import torch

from reference_impls.torch.attention import scaled_dot_product_attention
from reference_impls.torch.paged_kv import PagedKVCache  # noqa: F401 - as in the reference

EXPECTED_HINT = "causal mask aligned to the first tokens"


def paged_attention(q, cache, seq_id):
    k, v = cache.gather(seq_id)
    Tq, L = q.size(0), k.size(0)
    mask = torch.ones(Tq, L, dtype=torch.bool).tril()  # the mistake: tril(diagonal=L - Tq), the queries are the LAST Tq
    y = scaled_dot_product_attention(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), attn_mask=mask)
    return y.transpose(0, 1)
