"""Correct, in vLLM's style: a flat slot mapping (slot = block_number * block_size + block_offset) written
with one indexed store per append (reshape_and_cache), the block tables as lists turned into an index
tensor for the read, and a free block pool that hands out from the front."""

import math
from collections import deque

import torch


class PagedKVCache:
    def __init__(self, num_blocks, n_head, head_dim, block_size=16, dtype=torch.float32):
        self.block_size = block_size
        self.k = torch.zeros(num_blocks, block_size, n_head, head_dim, dtype=dtype)
        self.v = torch.zeros(num_blocks, block_size, n_head, head_dim, dtype=dtype)
        self.free_block_queue = deque(range(num_blocks))
        self.block_tables = {}
        self.num_tokens = {}

    def _allocate(self):
        if not self.free_block_queue:
            raise RuntimeError("no free KV cache blocks")
        return self.free_block_queue.popleft()

    def append(self, seq_id, k, v):
        table = self.block_tables.setdefault(seq_id, [])
        start = self.num_tokens.get(seq_id, 0)
        end = start + k.shape[0]
        while len(table) < math.ceil(end / self.block_size):  # blocks needed for `end` tokens
            table.append(self._allocate())
        positions = torch.arange(start, end)
        block_numbers = torch.tensor(table, dtype=torch.long)[positions // self.block_size]
        slot_mapping = block_numbers * self.block_size + positions % self.block_size
        self.k.view(-1, *self.k.shape[2:])[slot_mapping] = k  # reshape_and_cache
        self.v.view(-1, *self.v.shape[2:])[slot_mapping] = v
        self.num_tokens[seq_id] = end

    def num_free_blocks(self):
        return len(self.free_block_queue)

    def free(self, seq_id):
        self.free_block_queue.extend(self.block_tables.pop(seq_id))
        self.num_tokens.pop(seq_id)

    def gather(self, seq_id):
        positions = torch.arange(self.num_tokens[seq_id])
        block_table = torch.tensor(self.block_tables[seq_id], dtype=torch.long)
        slots = block_table[positions // self.block_size] * self.block_size + positions % self.block_size
        return self.k.view(-1, *self.k.shape[2:])[slots], self.v.view(-1, *self.v.shape[2:])[slots]


def paged_attention(q, cache, seq_id):
    k, v = cache.gather(seq_id)  # (L, h, d)
    Tq, L = q.shape[0], k.shape[0]
    scale = 1.0 / math.sqrt(q.shape[-1])
    scores = torch.einsum("qhd,khd->hqk", q, k) * scale
    q_pos = torch.arange(L - Tq, L)[:, None]  # the queries' absolute positions
    scores = scores.masked_fill(torch.arange(L)[None, :] > q_pos, float("-inf"))
    return torch.einsum("hqk,khd->qhd", torch.softmax(scores, dim=-1), v)
