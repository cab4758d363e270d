"""Wrong: P_i in the load-balancing loss is averaged from the (renormalized) top-k weights, with zeros for
the experts not chosen, instead of the router's full softmax."""

import torch
from torch import nn

from reference_impls.torch import moe
from reference_impls.torch.moe import Expert  # noqa: F401 - as in the reference

EXPECTED_HINT = "P_i is the mean of the router's FULL softmax"


class MoE(moe.MoE):
    def forward(self, x):
        y, _ = super().forward(x)
        flat = x.reshape(-1, x.shape[-1])
        weights, chosen = torch.softmax(self.gate(flat), dim=-1).topk(self.top_k, dim=-1)
        if self.normalize:
            weights = weights / weights.sum(dim=-1, keepdim=True)
        E = len(self.experts)
        f = nn.functional.one_hot(chosen[:, 0], E).to(weights.dtype).mean(dim=0)
        P = torch.zeros(flat.shape[0], E, dtype=weights.dtype).scatter(1, chosen, weights).mean(dim=0)  # the mistake
        return y, E * (f * P).sum()
