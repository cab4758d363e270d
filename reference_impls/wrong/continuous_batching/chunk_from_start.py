"""Wrong: every prefill chunk is taken from the start of the prompt, so the first chunk is computed again."""

from reference_impls.numpy.continuous_batching import Scheduler as _Reference

EXPECTED_HINT = "a chunk must continue where the request's cache ends"


class Scheduler(_Reference):
    def _schedule(self, req, n, batch):
        for _ in range(self._blocks_missing(req, n)):
            req.blocks.append(self.free_blocks.popleft())
        self.block_tables[req.request_id] = req.blocks
        prefilling = req.num_computed_tokens < req.num_prompt_tokens
        start = 0 if prefilling else req.num_computed_tokens  # the mistake: the chunk restarts at token 0
        batch.append((req.request_id, start, n))
        req.num_computed_tokens += n
