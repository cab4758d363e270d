"""Wrong: the token budget is applied to each request on its own, not to the whole step."""

from reference_impls.numpy.continuous_batching import Scheduler as _Reference

EXPECTED_HINT = "the token budget is per STEP"


class Scheduler(_Reference):
    def schedule(self):
        batch, preempted = [], []
        i = 0
        while i < len(self.running):
            req = self.running[i]
            n = min(
                req.num_tokens - req.num_computed_tokens, self.max_num_batched_tokens
            )  # the mistake: not the budget left
            while self._blocks_missing(req, n) > len(self.free_blocks):
                victim = self._preempt_newest()
                preempted.append(victim.request_id)
                if victim is req:
                    break
            if req not in self.running:
                break
            self._schedule(req, n, batch)
            i += 1
        while not preempted and self.waiting and len(self.running) < self.max_num_seqs:
            req = self.waiting[0]
            n = min(req.num_tokens, self.max_num_batched_tokens)
            if self._blocks_missing(req, n) > len(self.free_blocks):
                break
            self.waiting.popleft()
            self.running.append(req)
            self._schedule(req, n, batch)
        return batch, preempted
