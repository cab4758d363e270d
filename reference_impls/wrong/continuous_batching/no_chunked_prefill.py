"""Wrong: a prompt is admitted only when all of it fits in the step's budget, so one longer than the budget waits
forever (and, FCFS, everything behind it)."""

from reference_impls.numpy.continuous_batching import Scheduler as _Reference

EXPECTED_HINT = "requests never finish"


class Scheduler(_Reference):
    def schedule(self):
        budget = self.max_num_batched_tokens
        batch, preempted = [], []
        i = 0
        while i < len(self.running) and budget > 0:
            req = self.running[i]
            n = req.num_tokens - req.num_computed_tokens
            if n > budget:
                break
            while self._blocks_missing(req, n) > len(self.free_blocks):
                victim = self._preempt_newest()
                preempted.append(victim.request_id)
                if victim is req:
                    break
            if req not in self.running:
                break
            self._schedule(req, n, batch)
            budget -= n
            i += 1
        while not preempted and self.waiting and len(self.running) < self.max_num_seqs:
            req = self.waiting[0]
            n = req.num_tokens  # the mistake: the whole prompt at once, or nothing
            if n > budget or self._blocks_missing(req, n) > len(self.free_blocks):
                break
            self.waiting.popleft()
            self.running.append(req)
            self._schedule(req, n, batch)
            budget -= n
        return batch, preempted
