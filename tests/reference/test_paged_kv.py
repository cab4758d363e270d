"""paged_kv.py: attention through block tables equals attention over a contiguous cache; the allocator's bookkeeping."""

import math

import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.paged_kv import BlockAllocator, PagedKVCache, paged_attention


def _tokens(T, seed, nh=2, hs=4):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(T, nh, hs, generator=g), torch.randn(T, nh, hs, generator=g)


def contiguous_attention(q, k, v):
    """F.sdpa over the whole contiguous cache, the queries being its last positions."""
    Tq, L = q.size(0), k.size(0)
    mask = torch.ones(Tq, L, dtype=torch.bool).tril(L - Tq)
    return F.scaled_dot_product_attention(
        q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), attn_mask=mask
    ).transpose(0, 1)


@pytest.mark.parametrize("block_size", [16, 4, 1, 5])
def test_interleaved_sequences_match_contiguous_caches(block_size):
    cache = PagedKVCache(num_blocks=96, n_head=2, head_dim=4, block_size=block_size)
    contiguous = {}
    schedule = [
        ("a", 7),
        ("b", 20),
        ("a", 1),
        ("c", 16),
        ("b", 1),
        ("a", 30),
        ("c", 1),
        ("b", 3),
    ]  # prefills and decode steps
    for step, (seq, T) in enumerate(schedule):
        k, v = _tokens(T, seed=step)
        cache.append(seq, k, v)
        ks, vs = contiguous.get(seq, (k[:0], v[:0]))
        contiguous[seq] = (torch.cat([ks, k]), torch.cat([vs, v]))
        q = torch.randn(T, 2, 4, generator=torch.Generator().manual_seed(100 + step))
        torch.testing.assert_close(paged_attention(q, cache, seq), contiguous_attention(q, *contiguous[seq]))
    for seq, (k, v) in contiguous.items():
        torch.testing.assert_close(cache.gather(seq), (k, v))
        assert len(cache.block_tables[seq]) == math.ceil(len(k) / block_size)  # less than one block wasted


def test_freed_blocks_are_reused_by_other_sequences():
    cache = PagedKVCache(num_blocks=6, n_head=1, head_dim=2, block_size=2)
    cache.append("a", *_tokens(3, 0, 1, 2))  # blocks 0, 1
    cache.append("b", *_tokens(4, 1, 1, 2))  # blocks 2, 3
    assert cache.block_tables == {"a": [0, 1], "b": [2, 3]} and cache.allocator.num_free == 2
    cache.free("a")
    assert list(cache.allocator.free_blocks) == [4, 5, 0, 1]  # FIFO: freed blocks at the back
    k, v = _tokens(6, 2, 1, 2)
    cache.append("c", k, v)  # blocks 4, 5, 0: not contiguous
    assert cache.block_tables["c"] == [4, 5, 0]
    torch.testing.assert_close(cache.gather("c"), (k, v))
    with pytest.raises(RuntimeError, match="out of KV cache blocks"):
        cache.append("d", *_tokens(5, 3, 1, 2))  # needs 3 blocks, 1 is left


def test_stale_slots_of_the_last_block_are_never_attended():
    cache = PagedKVCache(num_blocks=2, n_head=1, head_dim=2, block_size=4)
    cache.append("x", *_tokens(4, 0, 1, 2))
    cache.free("x")  # its block now holds stale keys
    k, v = _tokens(1, 1, 1, 2)
    cache.append("y", k, v)  # reuses a block: slot 0 written, slots 1..3 stale
    q = torch.randn(1, 1, 2)
    torch.testing.assert_close(paged_attention(q, cache, "y"), v)  # one key: the output is its value


def test_allocator():
    alloc = BlockAllocator(3)
    assert [alloc.allocate() for _ in range(3)] == [0, 1, 2] and alloc.num_free == 0
    alloc.free(1)
    assert alloc.allocate() == 1
