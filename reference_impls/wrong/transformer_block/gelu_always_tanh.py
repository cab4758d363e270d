"""Wrong: uses GELU's tanh approximation for every activation name."""

from torch import nn

from reference_impls.torch import blocks

EXPECTED_HINT = "the activation is wrong"


class MLP(blocks.MLP):
    def forward(self, x):
        return self.c_proj(nn.functional.gelu(self.c_fc(x), approximate="tanh"))  # the mistake: whatever self.act is


class Block(blocks.Block):  # the reference's block, with the MLP above
    def __init__(self, n_embd, n_head, d_ff=None, norm_first=True, activation="gelu", bias=True):
        super().__init__(n_embd, n_head, d_ff, norm_first, activation, bias)
        self.mlp = MLP(n_embd, d_ff or 4 * n_embd, activation, bias)
