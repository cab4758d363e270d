"""Wrong: lora_A and lora_B both start at zero: every gradient of A and B is zero, nothing ever trains."""

from torch import nn

from reference_impls.torch import lora
from reference_impls.torch.lora import lora_parameter_count  # noqa: F401 - as in the reference

EXPECTED_HINT = "A and B both start at zero"


class LoRALinear(lora.LoRALinear):
    def __init__(self, in_features, out_features, r=8, alpha=16.0, bias=True):
        super().__init__(in_features, out_features, r=r, alpha=alpha, bias=bias)
        nn.init.zeros_(self.lora_A)  # the mistake: A must be random (Kaiming-uniform); only B starts at zero
