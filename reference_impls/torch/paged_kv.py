"""A paged KV cache: PagedAttention's block allocation, and attention read through a block table.

A contiguous cache reserves max_len slots per sequence up front, and most of them sit empty. A paged
cache splits the KV memory into fixed blocks of block_size tokens (16 in vLLM) and gives each
sequence a block table, its list of physical block ids: logical token position t lives in block
table[t // block_size], slot t % block_size. A sequence takes a new block only when its last one is
full, so it wastes less than one block; a finished sequence's blocks go back on the free list and
any other sequence can reuse them, wherever they are. Attention gathers the sequence's keys and
values through its table (the PagedAttention kernel does the same reads block by block) and gives
exactly what a contiguous cache of the same tokens gives. The last block is only partly filled:
its slots past the sequence length hold stale data and must never be attended.

Free list: a FIFO queue of block ids, 0..num_blocks-1 at start; allocate takes from the front, free
puts a sequence's blocks at the back in table order (vLLM v1's FreeKVCacheBlockQueue also hands out
from the front; it returns a freed sequence's blocks tail first, for prefix-cache eviction).

Source: Kwon et al. 2023, "Efficient Memory Management for Large Language Model Serving with
PagedAttention", Sec. 4.1-4.3. Limits: one layer; no copy-on-write or prefix sharing (reference
counts), no swapping or preemption; running out of blocks raises RuntimeError.
"""

from collections import deque

import torch

from reference_impls.torch.attention import scaled_dot_product_attention


class BlockAllocator:
    def __init__(self, num_blocks):
        self.free_blocks = deque(range(num_blocks))

    @property
    def num_free(self):
        return len(self.free_blocks)

    def allocate(self):
        if not self.free_blocks:
            raise RuntimeError("out of KV cache blocks")
        return self.free_blocks.popleft()

    def free(self, block):
        self.free_blocks.append(block)


class PagedKVCache:
    def __init__(self, num_blocks, n_head, head_dim, block_size=16, dtype=torch.float32):
        self.block_size = block_size
        self.k = torch.zeros(num_blocks, block_size, n_head, head_dim, dtype=dtype)  # the physical blocks
        self.v = torch.zeros(num_blocks, block_size, n_head, head_dim, dtype=dtype)
        self.allocator = BlockAllocator(num_blocks)
        self.block_tables = {}  # seq_id -> [physical block id, ...]
        self.lengths = {}  # seq_id -> tokens stored

    def append(self, seq_id, k, v):
        """k, v (T, n_head, head_dim): the new tokens of sequence seq_id, written slot by slot."""
        table = self.block_tables.setdefault(seq_id, [])
        n = self.lengths.get(seq_id, 0)
        for t in range(k.size(0)):
            if n % self.block_size == 0:  # the last block is full (or there is none): take a new one
                table.append(self.allocator.allocate())
            block, slot = table[n // self.block_size], n % self.block_size
            self.k[block, slot] = k[t]
            self.v[block, slot] = v[t]
            n += 1
        self.lengths[seq_id] = n

    def num_free_blocks(self):
        return self.allocator.num_free

    def free(self, seq_id):
        """The sequence is done: its blocks go back on the free list."""
        for block in self.block_tables.pop(seq_id):
            self.allocator.free(block)
        del self.lengths[seq_id]

    def gather(self, seq_id):
        """-> k, v (L, n_head, head_dim): the sequence's tokens in order, read through its block table."""
        pos = torch.arange(self.lengths[seq_id])  # logical positions 0..L-1 (never the stale tail slots)
        blocks = torch.tensor(self.block_tables[seq_id], dtype=torch.int64)[pos // self.block_size]
        slots = pos % self.block_size
        return self.k[blocks, slots], self.v[blocks, slots]


def paged_attention(q, cache, seq_id):
    """q (Tq, n_head, head_dim): queries of the sequence's last Tq tokens (already appended) -> (Tq, n_head, head_dim)."""
    k, v = cache.gather(seq_id)  # (L, nh, hs)
    Tq, L = q.size(0), k.size(0)
    mask = torch.ones(Tq, L, dtype=torch.bool).tril(diagonal=L - Tq)  # the queries are the last Tq positions
    y = scaled_dot_product_attention(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), attn_mask=mask)
    return y.transpose(0, 1)  # (nh, Tq, hs) -> (Tq, nh, hs)
