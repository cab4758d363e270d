"""Wrong: the load-balancing loss counts every top-k choice in f (Hugging Face's Mixtral), not the top-1 one."""

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED_HINT = "f counts every top-k choice"


class Expert(nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.w1 = nn.Linear(d_model, d_ff, bias=False)
        self.w2 = nn.Linear(d_ff, d_model, bias=False)
        self.w3 = nn.Linear(d_model, d_ff, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class MoE(nn.Module):
    def __init__(self, d_model, d_ff, n_experts, top_k=2, normalize=True):
        super().__init__()
        self.top_k, self.normalize = top_k, normalize
        self.gate = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList(Expert(d_model, d_ff) for _ in range(n_experts))

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
        f = torch.bincount(idx.flatten(), minlength=E).to(probs.dtype) / flat.shape[0]  # all k choices
        return y.view_as(x), E * (f * probs.mean(0)).sum()
