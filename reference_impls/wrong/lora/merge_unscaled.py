"""Wrong: merge() adds B A without the alpha / r scaling (forward itself is right)."""

import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED_HINT = "merged without the scaling"


class LoRALinear(nn.Module):
    def __init__(self, in_features, out_features, r=8, alpha=16.0, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, in_features), requires_grad=False)  # W0, frozen
        self.bias = nn.Parameter(torch.zeros(out_features), requires_grad=False) if bias else None
        self.lora_A = nn.Parameter(torch.empty(r, in_features))  # (r, d_in)
        self.lora_B = nn.Parameter(torch.zeros(out_features, r))  # (d_out, r): zero, so the update starts at 0
        self.scaling = alpha / r
        self.merged = False
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))  # nn.Linear's init (a pretrained W0 is loaded over it)
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))

    def delta_weight(self):
        return self.lora_B @ self.lora_A  # the mistake: the scaling is left out

    def forward(self, x):
        out = F.linear(x, self.weight, self.bias)
        if self.merged:
            return out
        return out + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling  # (..., r) then (..., d_out): never d_out x d_in

    @torch.no_grad()
    def merge(self):
        """Fold the update into W0: one plain Linear, no extra latency."""
        if not self.merged:
            self.weight += self.delta_weight()
            self.merged = True

    @torch.no_grad()
    def unmerge(self):
        if self.merged:
            self.weight -= self.delta_weight()
            self.merged = False


def lora_parameter_count(d_in, d_out, r):
    """(trainable LoRA parameters, parameters of the full weight matrix)."""
    return r * (d_in + d_out), d_in * d_out
