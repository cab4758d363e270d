"""Wrong: scaling = alpha, forgetting the division by r (the update grows with the rank)."""

from reference_impls.torch import lora
from reference_impls.torch.lora import lora_parameter_count  # noqa: F401 - as in the reference

EXPECTED_HINT = "scaled by alpha instead of alpha / r"


class LoRALinear(lora.LoRALinear):
    def __init__(self, in_features, out_features, r=8, alpha=16.0, bias=True):
        super().__init__(in_features, out_features, r=r, alpha=alpha, bias=bias)
        self.scaling = alpha  # the mistake: alpha / r
