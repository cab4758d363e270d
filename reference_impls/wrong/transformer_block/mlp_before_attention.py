"""Wrong: the two sublayers in the other order, the MLP before attention."""

from reference_impls.torch.blocks import MLP  # noqa: F401 - as in the reference
from reference_impls.torch.blocks import Block as _Reference

EXPECTED_HINT = "the MLP runs before attention"


class Block(_Reference):
    def forward(self, x, key_padding_mask=None, is_causal=False):
        def attn(h):
            return self.attn.self_attention(h, key_padding_mask, is_causal)

        if self.norm_first:
            x = x + self.mlp(self.ln_2(x))  # the mistake: the MLP first
            return x + attn(self.ln_1(x))
        x = self.ln_2(x + self.mlp(x))
        return self.ln_1(x + attn(x))
