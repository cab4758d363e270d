"""Wrong: the scaling inverted, r / alpha instead of alpha / r."""

from reference_impls.torch import lora
from reference_impls.torch.lora import lora_parameter_count  # noqa: F401 - as in the reference

EXPECTED_HINT = "scaling inverted"


class LoRALinear(lora.LoRALinear):
    def __init__(self, in_features, out_features, r=8, alpha=16.0, bias=True):
        super().__init__(in_features, out_features, r=r, alpha=alpha, bias=bias)
        self.scaling = r / alpha  # the mistake: alpha / r
