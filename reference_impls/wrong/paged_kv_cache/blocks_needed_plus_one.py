"""Wrong: sizes the table as length // block_size + 1 blocks: one block too many whenever length fills its last block."""

from reference_impls.torch import paged_kv
from reference_impls.torch.paged_kv import paged_attention  # noqa: F401 - as in the reference

EXPECTED_HINT = "ceil(L / block_size)"


class PagedKVCache(paged_kv.PagedKVCache):
    def append(self, seq_id, k, v):
        table = self.block_tables.setdefault(seq_id, [])
        n = self.lengths.get(seq_id, 0)
        needed = (n + k.size(0)) // self.block_size + 1  # the mistake: ceil is (n + T + block_size - 1) // block_size
        while len(table) < needed:
            table.append(self.allocator.allocate())
        for t in range(k.size(0)):
            block, slot = table[n // self.block_size], n % self.block_size
            self.k[block, slot] = k[t]
            self.v[block, slot] = v[t]
            n += 1
        self.lengths[seq_id] = n
