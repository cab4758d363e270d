"""Wrong: when blocks run out, the OLDEST running request is preempted, throwing away the most progress."""

from reference_impls.numpy.continuous_batching import Scheduler as _Reference

EXPECTED_HINT = "preempt the NEWEST running request"


class Scheduler(_Reference):
    def _preempt_newest(self):
        victim = self.running.pop(0)  # the mistake: the front of the running list is the oldest
        self._free(victim)
        victim.num_computed_tokens = 0
        self.waiting.appendleft(victim)
        return victim
