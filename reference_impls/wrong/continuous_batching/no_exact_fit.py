"""Wrong: a request fits only if the free list holds MORE blocks than it is missing (>= instead of >), so a
step where exactly enough blocks are free preempts (or stops admission) for nothing."""

from reference_impls.numpy.continuous_batching import Scheduler as _Reference

EXPECTED_HINT = "preempt only when the free list holds FEWER blocks than the request is missing"
ALSO_APPLIES = ("use the whole budget each step",)


class Scheduler(_Reference):
    def _fits(self, req, n):
        return self._blocks_missing(req, n) < len(self.free_blocks)  # the mistake: exactly enough is enough

    def schedule(self):
        budget = self.max_num_batched_tokens
        batch, preempted = [], []
        i = 0
        while i < len(self.running) and budget > 0:
            req = self.running[i]
            n = min(req.num_tokens - req.num_computed_tokens, budget)
            while not self._fits(req, n):
                victim = self._preempt_newest()
                preempted.append(victim.request_id)
                if victim is req:
                    break
            if req not in self.running:
                break
            self._schedule(req, n, batch)
            budget -= n
            i += 1
        while not preempted and self.waiting and budget > 0 and len(self.running) < self.max_num_seqs:
            req = self.waiting[0]
            n = min(req.num_tokens, budget)
            if not self._fits(req, n):
                break
            self.waiting.popleft()
            self.running.append(req)
            self._schedule(req, n, batch)
            budget -= n
        return batch, preempted
