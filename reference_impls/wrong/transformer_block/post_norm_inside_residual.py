"""Wrong: the post-norm block normalizes the sublayer's output before adding it: x + ln(attn(x))."""

from reference_impls.torch import blocks
from reference_impls.torch.blocks import MLP  # noqa: F401 - as in the reference

EXPECTED_HINT = "post-norm normalizes the SUM"


class Block(blocks.Block):
    def forward(self, x, key_padding_mask=None, is_causal=False):
        if self.norm_first:
            return super().forward(x, key_padding_mask, is_causal)
        x = x + self.ln_1(self.attn.self_attention(x, key_padding_mask, is_causal))  # the mistake: ln_1(x + attn(x))
        return x + self.ln_2(self.mlp(x))
