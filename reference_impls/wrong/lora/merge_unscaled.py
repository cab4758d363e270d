"""Wrong: merge() adds B A without the alpha / r scaling (forward itself is right)."""

from reference_impls.torch import lora
from reference_impls.torch.lora import lora_parameter_count  # noqa: F401 - as in the reference

EXPECTED_HINT = "merged without the scaling"


class LoRALinear(lora.LoRALinear):
    def delta_weight(self):  # what merge() adds to W0 (and unmerge() takes away)
        return self.lora_B @ self.lora_A  # the mistake: the scaling is left out
