"""Wrong: the gated experts use ReLU where Mixtral's SwiGLU uses SiLU: w2(relu(w1 x) * w3 x)."""

from torch import nn

from reference_impls.torch import moe

EXPECTED_HINT = "the experts use SiLU"


class Expert(moe.Expert):
    def forward(self, x):
        return self.w2(nn.functional.relu(self.w1(x)) * self.w3(x))  # the mistake: silu


class MoE(moe.MoE):
    def __init__(self, d_model, d_ff, n_experts, top_k=2, normalize=True):
        super().__init__(d_model, d_ff, n_experts, top_k, normalize)
        self.experts = nn.ModuleList([Expert(d_model, d_ff) for _ in range(n_experts)])
