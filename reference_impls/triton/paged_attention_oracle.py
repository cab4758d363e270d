"""The paged-attention exercise's expected outputs in plain PyTorch: gather each sequence's K and V
through its block table (as reference_impls/torch/paged_kv.py's `gather`), then attend."""

import math

import torch


def gather(cache, table, seq_len):
    """(seq_len, n_kv_heads, head_dim): the tokens of one sequence in order, from its physical blocks."""
    block_size = cache.shape[1]
    pos = torch.arange(seq_len)
    blocks = table.to(torch.int64)[pos // block_size]
    return cache[blocks, pos % block_size]


def paged_attention_decode(q, k_cache, v_cache, block_tables, seq_lens, sm_scale=None):
    """In float64 (no summation-order error to speak of), rounded once to q's dtype."""
    num_seqs, n_heads, head_dim = q.shape
    group = n_heads // k_cache.shape[2]
    scale = 1.0 / math.sqrt(head_dim) if sm_scale is None else sm_scale
    out = torch.empty_like(q)
    tables, lens = block_tables.cpu(), seq_lens.cpu()
    for s in range(num_seqs):
        n = int(lens[s])
        k = gather(k_cache.cpu(), tables[s], n).double().repeat_interleave(group, dim=1)  # (n, n_heads, D)
        v = gather(v_cache.cpu(), tables[s], n).double().repeat_interleave(group, dim=1)
        scores = torch.einsum("hd,nhd->hn", q[s].cpu().double(), k) * scale
        out[s] = torch.einsum("hn,nhd->hd", torch.softmax(scores, dim=-1), v).to(q.dtype).to(q.device)
    return out
