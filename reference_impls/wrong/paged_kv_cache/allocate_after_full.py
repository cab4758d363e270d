"""Wrong: each append takes ceil(T / block_size) fresh blocks, ignoring the room left in the sequence's last block."""

import math
from collections import deque

import torch

EXPECTED_HINT = "a block per token boundary too many or too few"
ALSO_APPLIES = ("running out of free blocks must raise RuntimeError",)  # it takes the block too late to raise


class PagedKVCache:
    def __init__(self, num_blocks, n_head, head_dim, block_size=16, dtype=torch.float32):
        self.block_size = block_size
        self.k = torch.zeros(num_blocks, block_size, n_head, head_dim, dtype=dtype)
        self.v = torch.zeros_like(self.k)
        self.free_list = deque(range(num_blocks))
        self.block_tables, self.slots = {}, {}  # slots: seq -> list of (block, slot) per token

    def append(self, seq_id, k, v):
        table = self.block_tables.setdefault(seq_id, [])
        slots = self.slots.setdefault(seq_id, [])
        fresh = [self.free_list.popleft() for _ in range(math.ceil(k.shape[0] / self.block_size))]
        table.extend(fresh)
        for t in range(k.shape[0]):
            block, slot = fresh[t // self.block_size], t % self.block_size
            self.k[block, slot], self.v[block, slot] = k[t], v[t]
            slots.append((block, slot))

    def num_free_blocks(self):
        return len(self.free_list)

    def free(self, seq_id):
        self.free_list.extend(self.block_tables.pop(seq_id))
        del self.slots[seq_id]

    def gather(self, seq_id):
        blocks, slots = zip(*self.slots[seq_id])
        return self.k[list(blocks), list(slots)], self.v[list(blocks), list(slots)]


def paged_attention(q, cache, seq_id):
    k, v = cache.gather(seq_id)
    Tq, L = q.shape[0], k.shape[0]
    scores = torch.einsum("qhd,khd->hqk", q, k) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(torch.ones(Tq, L, dtype=torch.bool).triu(L - Tq + 1), float("-inf"))
    return torch.einsum("hqk,khd->qhd", scores.softmax(-1), v)
