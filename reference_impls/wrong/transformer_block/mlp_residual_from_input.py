"""Wrong: both residuals start from the block's input: the MLP's sum skips the attention output."""

from reference_impls.torch import blocks
from reference_impls.torch.blocks import MLP  # noqa: F401 - as in the reference

EXPECTED_HINT = "the MLP's residual adds to the stream AFTER attention"


class Block(blocks.Block):
    def forward(self, x, key_padding_mask=None, is_causal=False):
        if not self.norm_first:
            return super().forward(x, key_padding_mask, is_causal)
        h = x + self.attn.self_attention(self.ln_1(x), key_padding_mask, is_causal)
        return x + self.mlp(self.ln_2(h))  # the mistake: h + mlp(ln_2(h)); x drops the attention output
