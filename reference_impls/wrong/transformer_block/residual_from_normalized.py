"""Wrong: the pre-norm block normalizes the residual stream itself (x = ln(x); x = x + attn(x))."""

from reference_impls.torch import blocks
from reference_impls.torch.blocks import MLP  # noqa: F401 - as in the reference

EXPECTED_HINT = "pre-norm residual taken from the NORMALIZED x"


class Block(blocks.Block):
    def forward(self, x, key_padding_mask=None, is_causal=False):
        if not self.norm_first:
            return super().forward(x, key_padding_mask, is_causal)
        x = self.ln_1(x)  # the mistake: the residual stream itself is normalized (x + attn(ln_1(x)) keeps it)
        x = x + self.attn.self_attention(x, key_padding_mask, is_causal)
        x = self.ln_2(x)  # and again here
        return x + self.mlp(x)
