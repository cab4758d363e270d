"""Wrong: the dequantized base kept as a trainable Parameter, so the optimizer would update W0 in float."""

import torch
import torch.nn.functional as F
from torch import nn

from reference_impls.torch import qlora

EXPECTED_HINT = "the base weight trains"
ALSO_APPLIES = ("a float copy of W0",)


class QLoRALinear(qlora.QLoRALinear):
    def __init__(self, weight, bias=None, r=8, alpha=16.0, blocksize=64, compute_dtype=torch.float32):
        super().__init__(weight, bias, r, alpha, blocksize, compute_dtype)
        self.weight = nn.Parameter(super().dequantized_weight())  # the mistake: a float, trainable W0

    def dequantized_weight(self):
        return self.weight

    def forward(self, x):
        x = x.to(self.compute_dtype)
        return F.linear(x, self.weight, self.bias) + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling
