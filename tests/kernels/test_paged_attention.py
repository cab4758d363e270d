"""kernels.paged_attention against torch's scaled_dot_product_attention on the gathered K/V, and against
reference_impls/torch/paged_kv.py's PagedKVCache + paged_attention (the same layout, built by appending)."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from kernels.paged_attention import paged_attention_decode
from reference_impls.torch.paged_kv import PagedKVCache, paged_attention
from tests.kernels.random_inputs import DEVICE

TOLERANCES = {
    torch.float32: {"rtol": 2e-5, "atol": 2e-5},
    torch.float16: {"rtol": 2e-3, "atol": 2e-3},
    torch.bfloat16: {"rtol": 1.6e-2, "atol": 1.6e-2},
}


def paged_inputs(lens, block_size, n_heads, n_kv_heads, head_dim, dtype, seed):
    """A cache whose unused slots hold large stale values, each sequence's blocks in a shuffled order, tables padded with -1."""
    g = torch.Generator().manual_seed(seed)
    per_seq = [math.ceil(n / block_size) for n in lens]
    num_blocks = sum(per_seq) + 2
    shape = (num_blocks, block_size, n_kv_heads, head_dim)
    k_cache = torch.randn(shape, generator=g) * 10 + 5
    v_cache = torch.randn(shape, generator=g) * 10 - 5
    order = torch.randperm(num_blocks, generator=g)
    tables = torch.full((len(lens), max(per_seq) + 1), -1, dtype=torch.int32)
    contiguous_k, contiguous_v = [], []
    start = 0
    for s, (n, count) in enumerate(zip(lens, per_seq, strict=True)):
        tables[s, :count] = order[start : start + count].to(torch.int32)
        start += count
        k, v = torch.randn(n, n_kv_heads, head_dim, generator=g), torch.randn(n, n_kv_heads, head_dim, generator=g)
        pos = torch.arange(n)
        blocks = tables[s].long()[pos // block_size]
        k_cache[blocks, pos % block_size] = k
        v_cache[blocks, pos % block_size] = v
        contiguous_k.append(k)
        contiguous_v.append(v)
    q = torch.randn(len(lens), n_heads, head_dim, generator=g)
    lens_t = torch.tensor(lens, dtype=torch.int32)
    to = dict(device=DEVICE)
    inputs = (
        q.to(dtype=dtype, **to),
        k_cache.to(dtype=dtype, **to),
        v_cache.to(dtype=dtype, **to),
        tables.to(**to),
        lens_t.to(**to),
    )
    return inputs, contiguous_k, contiguous_v


def sdpa_reference(q, ks, vs, sm_scale=None):
    """Per sequence: torch's SDPA (GQA by repeating the kv heads) on the contiguous K and V, in fp32."""
    n_heads = q.shape[1]
    out = []
    for s, (k, v) in enumerate(zip(ks, vs, strict=True)):
        rep = n_heads // k.shape[1]
        k, v = (t.to(DEVICE, torch.float32).repeat_interleave(rep, dim=1).transpose(0, 1) for t in (k, v))
        out.append(F.scaled_dot_product_attention(q[s, :, None].float(), k, v, scale=sm_scale)[:, 0])
    return torch.stack(out).to(q.dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
@pytest.mark.parametrize(
    "lens, block_size, n_heads, n_kv_heads, head_dim",
    [
        ((1,), 4, 1, 1, 16),  # one token
        ((1, 5, 13, 8), 4, 4, 4, 16),  # multi-head; lengths not multiples of the block, one that is
        ((17, 1, 40, 33), 16, 8, 2, 32),  # vLLM's block 16, grouped-query 8:2
        ((7, 2, 11), 2, 4, 1, 64),  # multi-query, small blocks
    ],
)
def test_matches_sdpa_on_the_gathered_cache(lens, block_size, n_heads, n_kv_heads, head_dim, dtype):
    inputs, ks, vs = paged_inputs(lens, block_size, n_heads, n_kv_heads, head_dim, dtype, seed=sum(lens))
    out = paged_attention_decode(*inputs)
    assert out.shape == inputs[0].shape and out.dtype == dtype and out.device == inputs[0].device
    torch.testing.assert_close(out, sdpa_reference(inputs[0], ks, vs), **TOLERANCES[dtype])


def test_large_scores_and_explicit_scale():
    inputs, ks, vs = paged_inputs((30, 19), 4, 2, 2, 16, torch.float32, seed=3)
    q = inputs[0] * 20  # scores in the hundreds: the running max must rescale
    out = paged_attention_decode(q, *inputs[1:], sm_scale=0.7)
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out, sdpa_reference(q, ks, vs, sm_scale=0.7), **TOLERANCES[torch.float32])


def test_matches_the_paged_kv_cache_of_module_2_2():
    """The block tables and blocks that PagedKVCache builds by appending (and freeing, and reusing) are read the
    same way; the last query of each sequence equals its paged_attention output."""
    cache = PagedKVCache(num_blocks=12, n_head=2, head_dim=16, block_size=4)
    g = torch.Generator().manual_seed(5)
    for seq_id, n in (("a", 6), ("b", 9), ("c", 3)):
        cache.append(seq_id, torch.randn(n, 2, 16, generator=g), torch.randn(n, 2, 16, generator=g))
    cache.free("a")  # d reuses a's blocks, whose slots still hold a's keys
    cache.append("d", torch.randn(5, 2, 16, generator=g), torch.randn(5, 2, 16, generator=g))
    seqs = ("b", "c", "d")
    width = max(len(cache.block_tables[s]) for s in seqs)
    tables = torch.tensor(
        [cache.block_tables[s] + [-1] * (width - len(cache.block_tables[s])) for s in seqs], dtype=torch.int32
    )
    lens = torch.tensor([cache.lengths[s] for s in seqs], dtype=torch.int32)
    q = torch.randn(3, 2, 16, generator=g)
    out = paged_attention_decode(
        q.to(DEVICE), cache.k.to(DEVICE), cache.v.to(DEVICE), tables.to(DEVICE), lens.to(DEVICE)
    )
    expected = torch.stack([paged_attention(q[i : i + 1], cache, s)[0] for i, s in enumerate(seqs)])
    torch.testing.assert_close(out.cpu(), expected, **TOLERANCES[torch.float32])


def test_bad_inputs_are_refused():
    inputs, _, _ = paged_inputs((5, 3), 4, 4, 2, 16, torch.float32, seed=0)
    q, k_cache, v_cache, tables, lens = inputs
    with pytest.raises(ValueError, match=r"n_heads \(3\) must be a multiple of n_kv_heads \(2\)"):
        paged_attention_decode(q[:, :3], k_cache, v_cache, tables, lens)
    with pytest.raises(ValueError, match="block_tables has dtype int64"):
        paged_attention_decode(q, k_cache, v_cache, tables.long(), lens)
    with pytest.raises(ValueError, match="one row per sequence"):
        paged_attention_decode(q, k_cache, v_cache, tables[:1], lens)


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_realistic_sizes_on_gpu(dtype):
    lens = tuple(int(n) for n in torch.randint(1, 3000, (16,), generator=torch.Generator().manual_seed(9)))
    inputs, ks, vs = paged_inputs(lens, 16, 32, 8, 128, dtype, seed=9)
    torch.testing.assert_close(paged_attention_decode(*inputs), sdpa_reference(inputs[0], ks, vs), **TOLERANCES[dtype])
