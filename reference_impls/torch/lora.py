"""LoRA: a frozen Linear plus a trainable low-rank update, W = W0 + (alpha / r) B A.

Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models" (arXiv:2106.09685), Sec. 4.1:

    h = x W0^T + b + (alpha / r) * x A^T B^T        W0 (d_out, d_in) frozen, A (r, d_in), B (d_out, r)

A starts random (Kaiming-uniform, as nn.Linear) and B at zero, so the layer starts as exactly the
pretrained one and only A and B get gradients. Scaling by alpha / r keeps the update's size stable
when r changes (one can tune alpha once). After training, merge: W0 += (alpha / r) B A; the merged
Linear computes the same function with no extra latency. Trainable parameters: r (d_in + d_out)
instead of d_in d_out: for d_in 2048, d_out 8192, r 16 (Module 1.3 exercise 3), 163,840 against
16,777,216, 1/102.4 of them. (The paper's 10,000x is for GPT-3 175B as a whole, with r = 4 on a few
matrices only.)

Source: the paper and microsoft/LoRA's loralib (layers.py: Linear, merge / unmerge), PEFT's naming
(lora_A, lora_B, scaling). Limits: no dropout on the LoRA branch, a single adapter, Linear only.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn


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
        return (self.lora_B @ self.lora_A) * self.scaling  # (d_out, d_in), rank <= r

    def forward(self, x):
        out = F.linear(x, self.weight, self.bias)
        if self.merged:
            return out
        return (
            out + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling
        )  # (..., r) then (..., d_out): never d_out x d_in

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
