"""Wrong: the slot computed from the length before the append, for every token of it: all T tokens land in
one slot (the last wins) and the others stay stale."""

from reference_impls.torch import paged_kv
from reference_impls.torch.paged_kv import paged_attention  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "every token of an append() was written at the same slot"


class PagedKVCache(paged_kv.PagedKVCache):
    def append(self, seq_id, k, v):
        table = self.block_tables.setdefault(seq_id, [])
        n = self.lengths.get(seq_id, 0)
        for t in range(k.size(0)):
            if (n + t) % self.block_size == 0:
                table.append(self.allocator.allocate())
            block, slot = table[n // self.block_size], n % self.block_size  # the mistake: position n + t
            self.k[block, slot] = k[t]
            self.v[block, slot] = v[t]
        self.lengths[seq_id] = n + k.size(0)
