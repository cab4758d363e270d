"""Wrong: free() pushes the freed blocks on the FRONT of the free list, so they are handed out again first (LIFO)."""

from reference_impls.torch import paged_kv
from reference_impls.torch.paged_kv import paged_attention  # noqa: F401 - as in the reference

EXPECTED_HINT = "the free list is not FIFO"


class PagedKVCache(paged_kv.PagedKVCache):
    def free(self, seq_id):
        for block in self.block_tables.pop(seq_id):
            self.allocator.free_blocks.appendleft(block)  # the mistake: freed blocks go to the BACK (append)
        del self.lengths[seq_id]
