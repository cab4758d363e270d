"""Wrong: update() keeps counting good steps across an overflow: the scale grows again growth_interval steps
after the LAST growth, not after the overflow."""

from reference_impls.torch import amp
from reference_impls.torch.amp import amp_train_step, autocast_forward  # noqa: F401 - as in the reference

EXPECTED_HINT = "the count of good steps not restarted after a backoff"


class LossScaler(amp.LossScaler):
    def update(self):
        if self.found_inf:
            self.scale_value *= self.backoff_factor  # the mistake: good_steps is not reset to 0
        else:
            self.good_steps += 1
            if self.good_steps == self.growth_interval:
                self.scale_value *= self.growth_factor
                self.good_steps = 0
