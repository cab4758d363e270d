"""Wrong: the merged delta written as A^T B^T, the transpose of B A: a shape error where d_in != d_out, and
the wrong weight where the layer is square."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

EXPECTED_HINT = "the LoRA product transposed"


class LoRALinear(nn.Module):
    def __init__(self, in_features, out_features, r=8, alpha=16.0, bias=True, lora_dropout=0.0):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = nn.Parameter(torch.empty(out_features, in_features), requires_grad=False)
        self.bias = nn.Parameter(torch.zeros(out_features), requires_grad=False) if bias else None
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        self.r = r
        self.lora_alpha = alpha
        self.scaling = alpha / r
        self.lora_dropout = nn.Dropout(p=lora_dropout) if lora_dropout > 0.0 else nn.Identity()
        self.lora_A = nn.Parameter(torch.empty(r, in_features))
        self.lora_B = nn.Parameter(torch.empty(out_features, r))
        self.reset_lora_parameters()
        self.merged = False

    def reset_lora_parameters(self):
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B)

    def get_delta_weight(self):
        return (self.lora_A.T @ self.lora_B.T) * self.scaling  # the mistake: lora_B @ lora_A

    def forward(self, x):
        result = F.linear(x, self.weight, self.bias)
        if self.merged:
            return result
        x = x.to(self.lora_A.dtype)
        return result + F.linear(F.linear(self.lora_dropout(x), self.lora_A), self.lora_B) * self.scaling

    def merge(self):
        if self.merged:
            return
        with torch.no_grad():
            self.weight.add_(self.get_delta_weight())
        self.merged = True

    def unmerge(self):
        if not self.merged:
            return
        with torch.no_grad():
            self.weight.sub_(self.get_delta_weight())
        self.merged = False


def lora_parameter_count(d_in, d_out, r):
    return r * (d_in + d_out), d_in * d_out
