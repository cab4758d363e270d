"""Correct, in bitsandbytes' and PEFT's style: the 4-bit weight as a frozen nn.Parameter holding uint8
codes (as Params4bit does) with its quant state beside it, a base layer and an adapter held apart
(PEFT's base_layer / lora_A / lora_B), lora_A and lora_B as bias-free nn.Linear's weights, and the
LoRA branch run through F.linear."""

import math

import torch
import torch.nn.functional as F
from torch import nn

from reference_impls.torch.nf4 import nf4_dequantize, nf4_quantize


class QLoRALinear(nn.Module):
    def __init__(self, weight, bias=None, r=8, alpha=16.0, blocksize=64, compute_dtype=torch.float32):
        super().__init__()
        codes, absmax = nf4_quantize(weight.detach(), blocksize)
        self.weight_4bit = nn.Parameter(codes, requires_grad=False)  # uint8: it can never require grad
        self.quant_state = {"absmax": absmax, "shape": tuple(weight.shape), "blocksize": blocksize}
        self.bias = None if bias is None else nn.Parameter(bias.detach().to(compute_dtype), requires_grad=False)
        self.compute_dtype = compute_dtype
        self.lora_A = nn.Parameter(torch.empty(r, weight.shape[1], dtype=compute_dtype))
        self.lora_B = nn.Parameter(torch.zeros(weight.shape[0], r, dtype=compute_dtype))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.scaling = alpha / r

    def dequantized_weight(self):
        s = self.quant_state
        return nf4_dequantize(self.weight_4bit, s["absmax"], s["shape"], s["blocksize"]).to(self.compute_dtype)

    def forward(self, x):
        x = x.to(self.compute_dtype)
        result = F.linear(x, self.dequantized_weight(), self.bias)
        return result + F.linear(F.linear(x, self.lora_A), self.lora_B) * self.scaling
