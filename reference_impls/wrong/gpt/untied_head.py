"""Wrong: lm_head is a separate Linear, never tied to the token embedding (GPT-2 shares them)."""

from torch import nn

from reference_impls.torch import gpt
from reference_impls.torch.gpt import GPTConfig  # noqa: F401 - as in the reference

EXPECTED_HINT = "lm_head is not tied"
ALSO_APPLIES = ("parameter names differ",)


class GPT(gpt.GPT):
    def __init__(self, config):
        super().__init__(config)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)  # the mistake: never tied to wte
