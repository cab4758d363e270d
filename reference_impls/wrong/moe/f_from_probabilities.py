"""Wrong: f_i taken as the mean router probability too, so the loss is E * sum_i P_i^2 (no dispatch counts)."""

import torch

from reference_impls.torch import moe
from reference_impls.torch.moe import Expert  # noqa: F401 - as in the reference

EXPECTED_HINT = "f must be the DISPATCH fraction"


class MoE(moe.MoE):
    def forward(self, x):
        y, _ = super().forward(x)
        P = torch.softmax(self.gate(x.reshape(-1, x.shape[-1])), dim=-1).mean(dim=0)
        return y, len(self.experts) * (P * P).sum()  # the mistake: f_i = fraction of tokens whose top-1 is i
