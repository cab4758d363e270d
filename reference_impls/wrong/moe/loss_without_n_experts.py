"""Wrong: the load-balancing loss is sum_i f_i P_i, without Switch's factor n_experts (1/E at balance, not 1)."""

from reference_impls.torch import moe
from reference_impls.torch.moe import Expert  # noqa: F401 - as in the reference

EXPECTED_HINT = "the loss is scaled by n_experts"


class MoE(moe.MoE):
    def forward(self, x):
        y, loss = super().forward(x)
        return y, loss / len(self.experts)  # the mistake: Switch's loss is E * sum_i f_i P_i
