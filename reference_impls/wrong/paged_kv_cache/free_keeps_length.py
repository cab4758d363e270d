"""Wrong: free() returns the blocks but keeps the sequence's length, so an id used again continues past the end."""

from reference_impls.torch import paged_kv
from reference_impls.torch.paged_kv import paged_attention  # noqa: F401 - as in the reference

EXPECTED_HINT = "free() must forget the sequence"


class PagedKVCache(paged_kv.PagedKVCache):
    def free(self, seq_id):
        for block in self.block_tables.pop(seq_id):
            self.allocator.free(block)
        # the mistake: del self.lengths[seq_id] is missing
