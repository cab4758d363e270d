"""Wrong: the MLP uses nn.GELU()'s default, the exact erf GELU; GPT-2 uses the tanh approximation."""

from torch import nn

from reference_impls.torch import gpt
from reference_impls.torch.gpt import GPTConfig  # noqa: F401 - as in the reference

EXPECTED_HINT = "GPT-2 uses the tanh approximation"


class GPT(gpt.GPT):
    def __init__(self, config):
        super().__init__(config)
        for block in self.transformer.h:
            block.mlp.act = nn.GELU()  # the mistake: nn.GELU(approximate="tanh")
