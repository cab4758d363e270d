"""A QLoRA linear layer: a frozen NF4 base weight, dequantized in every forward pass, plus LoRA.

Dettmers et al. 2023, "QLoRA: Efficient Finetuning of Quantized LLMs" (arXiv:2305.14314), Sec. 3, eq. 5:

    Y = X doubleDequant(c1, c2, W_NF4) + X L1 L2 s       here: x W^T + b + (alpha / r) x A^T B^T

The base weight is stored only as 4-bit NF4 codes and one absmax per block of 64 (buffers, not
parameters: they never get a gradient and the optimizer never sees them). Each forward pass
dequantizes it to the compute dtype (bfloat16 in the paper, float32 / float64 here on CPU) and
runs a plain matmul; the LoRA branch (A Kaiming-uniform, B zeros, scaling alpha / r) is the only
thing that trains. Gradients flow through the dequantized weight to x (backprop needs dL/dx for
the layers below) but stop there: W is a constant of the graph.

Source: the paper; PEFT's Linear4bit (lora_A, lora_B, scaling) and bitsandbytes' Linear4bit /
Params4bit (quantized on construction, dequantized in forward). Limits: NF4 via
reference_impls.torch.nf4 (codes one per uint8, no double quantization of the absmax), no
paged optimizer, no dropout on the LoRA branch.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

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

    def dequantized_weight(self):
        """W0 as the forward pass sees it: NF4 codes times their block's absmax, in the compute dtype."""
        return nf4_dequantize(self.codes, self.absmax, self.weight_shape, self.blocksize).to(self.compute_dtype)

    def forward(self, x):
        x = x.to(self.compute_dtype)
        base = F.linear(x, self.dequantized_weight(), self.bias)  # W is rebuilt each call, never stored in float
        return base + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling
