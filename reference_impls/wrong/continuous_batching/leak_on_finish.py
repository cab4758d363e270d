"""Wrong: a finished request's table is dropped but its blocks never go back on the free list."""

from reference_impls.numpy.continuous_batching import Scheduler as _Reference

EXPECTED_HINT = "blocks leak"


class Scheduler(_Reference):
    def update(self, sampled):
        finished = []
        for req in list(self.running):
            if req.request_id in sampled:
                req.num_output_tokens += 1
                if req.num_output_tokens == req.max_new_tokens:
                    self.running.remove(req)
                    del self.block_tables[req.request_id]  # the mistake: the blocks are not returned to free_blocks
                    finished.append(req.request_id)
        return finished
