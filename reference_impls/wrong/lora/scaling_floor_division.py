"""Wrong: scaling = alpha // r, floor division: right only when r divides alpha (16 / 8), not for 8 / 3."""

from reference_impls.torch import lora
from reference_impls.torch.lora import lora_parameter_count  # noqa: F401 - as in the reference

EXPECTED_HINT = "alpha // r"


class LoRALinear(lora.LoRALinear):
    def __init__(self, in_features, out_features, r=8, alpha=16.0, bias=True):
        super().__init__(in_features, out_features, r=r, alpha=alpha, bias=bias)
        self.scaling = alpha // r  # the mistake: true division, alpha / r
