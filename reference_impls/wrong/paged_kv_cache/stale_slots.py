"""Wrong: attention reads every slot of every block in the table, the unused (stale) tail of the last block included."""

import math
from collections import deque

import torch

EXPECTED_HINT = "the stale tail of the last block is attended"


class PagedKVCache:
    def __init__(self, num_blocks, n_head, head_dim, block_size=16, dtype=torch.float32):
        self.block_size = block_size
        self.k = torch.zeros(num_blocks, block_size, n_head, head_dim, dtype=dtype)
        self.v = torch.zeros_like(self.k)
        self.free_list = deque(range(num_blocks))
        self.block_tables, self.lengths = {}, {}

    def append(self, seq_id, k, v):
        table = self.block_tables.setdefault(seq_id, [])
        n = self.lengths.get(seq_id, 0)
        for t in range(k.shape[0]):
            if n % self.block_size == 0:
                if not self.free_list:
                    raise RuntimeError("out of blocks")
                table.append(self.free_list.popleft())
            self.k[table[-1], n % self.block_size] = k[t]
            self.v[table[-1], n % self.block_size] = v[t]
            n += 1
        self.lengths[seq_id] = n

    def num_free_blocks(self):
        return len(self.free_list)

    def free(self, seq_id):
        self.free_list.extend(self.block_tables.pop(seq_id))
        del self.lengths[seq_id]

    def gather(self, seq_id):
        L = self.lengths[seq_id]
        table = self.block_tables[seq_id]
        return self.k[table].flatten(0, 1)[:L], self.v[table].flatten(0, 1)[:L]


def paged_attention(q, cache, seq_id):
    table = cache.block_tables[seq_id]
    k, v = cache.k[table].flatten(0, 1), cache.v[table].flatten(0, 1)  # whole blocks
    Tq, L = q.shape[0], cache.lengths[seq_id]
    scores = torch.einsum("qhd,khd->hqk", q, k) / math.sqrt(q.shape[-1])
    future = torch.arange(k.shape[0])[None, :] > torch.arange(L - Tq, L)[:, None]
    scores = scores.masked_fill(future & (torch.arange(k.shape[0])[None, :] < L), float("-inf"))
    return torch.einsum("hqk,khd->qhd", scores.softmax(-1), v)
