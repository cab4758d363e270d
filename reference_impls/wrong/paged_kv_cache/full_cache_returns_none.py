"""Wrong: an append the free list cannot hold returns None quietly instead of raising RuntimeError: the
caller never learns its tokens were dropped."""

from reference_impls.torch import paged_kv
from reference_impls.torch.paged_kv import paged_attention  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "running out of free blocks must raise RuntimeError"


class PagedKVCache(paged_kv.PagedKVCache):
    def append(self, seq_id, k, v):
        needed = -(-(self.lengths.get(seq_id, 0) + k.size(0)) // self.block_size) - len(
            self.block_tables.get(seq_id, [])
        )
        if needed > self.num_free_blocks():
            return None  # the mistake: raise RuntimeError
        return super().append(seq_id, k, v)
