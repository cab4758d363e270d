"""Wrong: lora_A drawn with kaiming_uniform_'s default a = 0, bound sqrt(6 / d_in), 2.4 times nn.Linear's
1/sqrt(d_in) (a = sqrt(5)): the adapter starts with larger steps than the task (and PEFT) prescribe."""

import torch
import torch.nn.functional as F
from torch import nn

from reference_impls.torch.nf4 import nf4_dequantize, nf4_quantize

EXPECTED_HINT = "kaiming_uniform_'s default a = 0"


class QLoRALinear(nn.Module):
    def __init__(self, weight, bias=None, r=8, alpha=16.0, blocksize=64, compute_dtype=torch.float32):
        super().__init__()
        codes, absmax = nf4_quantize(weight.detach(), blocksize)
        self.register_buffer("codes", codes)
        self.register_buffer("absmax", absmax)
        self.register_buffer("bias", None if bias is None else bias.detach().to(compute_dtype))
        self.shape, self.blocksize, self.compute_dtype = tuple(weight.shape), blocksize, compute_dtype
        self.lora_A = nn.Parameter(torch.empty(r, weight.shape[1], dtype=compute_dtype))
        self.lora_B = nn.Parameter(torch.zeros(weight.shape[0], r, dtype=compute_dtype))
        nn.init.kaiming_uniform_(self.lora_A)  # the mistake: a=math.sqrt(5)
        self.scaling = alpha / r

    def dequantized_weight(self):
        return nf4_dequantize(self.codes, self.absmax, self.shape, self.blocksize).to(self.compute_dtype)

    def forward(self, x):
        x = x.to(self.compute_dtype)
        return F.linear(x, self.dequantized_weight(), self.bias) + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling
