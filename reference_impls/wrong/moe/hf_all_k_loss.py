"""Wrong: the load-balancing loss counts every top-k choice in f (Hugging Face's Mixtral), not the top-1 one."""

import torch

from reference_impls.torch import moe
from reference_impls.torch.moe import Expert  # noqa: F401 - as in the reference

EXPECTED_HINT = "f counts every top-k choice"


class MoE(moe.MoE):
    def forward(self, x):
        flat = x.reshape(-1, x.shape[-1])
        probs = self.gate(flat).softmax(-1)
        w, idx = probs.topk(self.top_k, -1)
        if self.normalize:
            w = w / w.sum(-1, keepdim=True)
        y = torch.zeros_like(flat)
        for n in range(flat.shape[0]):
            for j in range(self.top_k):
                y[n] += w[n, j] * self.experts[int(idx[n, j])](flat[n])
        E = len(self.experts)
        f = torch.bincount(idx.flatten(), minlength=E).to(probs.dtype) / flat.shape[0]  # the mistake: all k choices
        return y.view_as(x), E * (f * probs.mean(0)).sum()
