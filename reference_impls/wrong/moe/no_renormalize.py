"""Wrong: top-k weights are the raw router probabilities, never renormalized (even with normalize=True)."""

import torch

from reference_impls.torch import moe
from reference_impls.torch.moe import Expert  # noqa: F401 - as in the reference

EXPECTED_HINT = "top-k weights not renormalized"


class MoE(moe.MoE):
    def forward(self, x):
        flat = x.reshape(-1, x.shape[-1])
        probs = self.gate(flat).softmax(-1)
        w, idx = probs.topk(self.top_k, -1)  # the mistake: w is never divided by its sum, whatever self.normalize says
        y = torch.zeros_like(flat)
        for n in range(flat.shape[0]):
            for j in range(self.top_k):
                y[n] += w[n, j] * self.experts[int(idx[n, j])](flat[n])
        E = len(self.experts)
        f = torch.bincount(idx[:, 0], minlength=E).to(probs.dtype) / flat.shape[0]
        return y.view_as(x), E * (f * probs.mean(0)).sum()
