"""Correct, in loralib's style (microsoft/LoRA's layers.Linear): a LoRALayer mixin holding r, lora_alpha and
`merged`, the frozen weight handled as in nn.Linear, the update written with transposes, merge / unmerge
through .data."""

import math

import torch.nn as nn
import torch.nn.functional as F


class LoRALayer:
    def __init__(self, r, lora_alpha, merge_weights=True):
        self.r = r
        self.lora_alpha = lora_alpha
        self.merged = False
        self.merge_weights = merge_weights


class LoRALinear(nn.Linear, LoRALayer):
    def __init__(self, in_features, out_features, r=8, alpha=16.0, bias=True):
        nn.Linear.__init__(self, in_features, out_features, bias=bias)
        LoRALayer.__init__(self, r=r, lora_alpha=alpha)
        self.lora_A = nn.Parameter(self.weight.new_zeros((r, in_features)))
        self.lora_B = nn.Parameter(self.weight.new_zeros((out_features, r)))
        self.scaling = self.lora_alpha / self.r
        self.weight.requires_grad = False
        if self.bias is not None:
            self.bias.requires_grad = False
            nn.init.zeros_(self.bias)
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B)

    def forward(self, x):
        result = F.linear(x, self.weight, bias=self.bias)
        if self.r > 0 and not self.merged:
            result = result + (x @ self.lora_A.transpose(0, 1) @ self.lora_B.transpose(0, 1)) * self.scaling
        return result

    def merge(self):
        if not self.merged:
            self.weight.data += (self.lora_B @ self.lora_A) * self.scaling
            self.merged = True

    def unmerge(self):
        if self.merged:
            self.weight.data -= (self.lora_B @ self.lora_A) * self.scaling
            self.merged = False


def lora_parameter_count(d_in, d_out, r):
    return r * d_in + d_out * r, d_in * d_out
