"""Correct, in the style of Hugging Face PEFT's LoRA Linear: a lora_dropout on the update's input (0.05, a
common PEFT setting; off in eval mode, where the checks run), reset_lora_parameters, get_delta_weight shared by
merge and unmerge, in-place add_ / sub_ under torch.no_grad, guards against merging twice."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class LoRALinear(nn.Module):
    def __init__(self, in_features, out_features, r=8, alpha=16.0, bias=True, lora_dropout=0.05):
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
        return (self.lora_B @ self.lora_A) * self.scaling

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
