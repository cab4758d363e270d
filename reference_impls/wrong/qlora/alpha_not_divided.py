"""Wrong: the LoRA branch scaled by alpha, not alpha / r (the update grows with the rank)."""

from reference_impls.torch import qlora

EXPECTED_HINT = "scaled by alpha instead of alpha / r"


class QLoRALinear(qlora.QLoRALinear):
    def __init__(self, weight, bias=None, r=8, alpha=16.0, blocksize=64, compute_dtype=qlora.torch.float32):
        super().__init__(weight, bias, r, alpha, blocksize, compute_dtype)
        self.scaling = alpha  # the mistake: alpha / r
