"""Wrong for this task: a sequence's blocks freed tail first (vLLM's order, which suits its prefix cache),
where the task returns them in table order: the next sequence gets them reversed."""

from reference_impls.torch import paged_kv
from reference_impls.torch.paged_kv import paged_attention  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "freed blocks go back on the free list in the sequence's table order"


class PagedKVCache(paged_kv.PagedKVCache):
    def free(self, seq_id):
        for block in reversed(self.block_tables.pop(seq_id)):  # the mistake: in table order
            self.allocator.free(block)
        del self.lengths[seq_id]
