"""Wrong: merge() folds the update into weight but forward keeps adding it: the update counts twice."""

import torch.nn.functional as F

from reference_impls.torch import lora
from reference_impls.torch.lora import lora_parameter_count  # noqa: F401 - as in the reference

EXPECTED_HINT = "after merge() forward must stop adding"


class LoRALinear(lora.LoRALinear):
    def forward(self, x):
        out = F.linear(x, self.weight, self.bias)
        return out + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling  # the mistake: added even when merged
