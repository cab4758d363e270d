"""Wrong: unmerge() takes the update out of weight but leaves `merged` set, so forward no longer adds it."""

import torch

from reference_impls.torch import lora
from reference_impls.torch.lora import lora_parameter_count  # noqa: F401 - as in the reference

EXPECTED_HINT = "unmerge() must clear the merged flag"


class LoRALinear(lora.LoRALinear):
    @torch.no_grad()
    def unmerge(self):
        if self.merged:
            self.weight -= self.delta_weight()  # the mistake: self.merged = False is missing
