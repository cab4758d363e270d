"""Wrong: a pre-norm block that normalizes its output (GPT-2's ln_f put inside every block)."""

from reference_impls.torch.blocks import MLP  # noqa: F401 - as in the reference
from reference_impls.torch.blocks import Block as _Reference

EXPECTED_HINT = "a LayerNorm after the pre-norm block's last residual add"


class Block(_Reference):
    def forward(self, x, key_padding_mask=None, is_causal=False):
        y = super().forward(x, key_padding_mask, is_causal)
        return self.ln_2(y) if self.norm_first else y  # the mistake: the stream normalized on the way out
