"""Wrong: always pre-norm, whatever norm_first says."""

from reference_impls.torch import blocks
from reference_impls.torch.blocks import MLP  # noqa: F401 - as in the reference

EXPECTED_HINT = "norm_first=False ignored"


class Block(blocks.Block):
    def forward(self, x, key_padding_mask=None, is_causal=False):
        # the mistake: no `if self.norm_first:` branch; post-norm is ln_1(x + attn(x)), ln_2(x + mlp(x))
        x = x + self.attn.self_attention(self.ln_1(x), key_padding_mask, is_causal)
        return x + self.mlp(self.ln_2(x))
