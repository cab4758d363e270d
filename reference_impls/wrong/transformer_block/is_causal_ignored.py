"""Wrong: the block's attention never masks the future, whatever is_causal says."""

from reference_impls.torch.blocks import MLP  # noqa: F401 - as in the reference
from reference_impls.torch.blocks import Block as _Reference

EXPECTED_HINT = "is_causal ignored"


class Block(_Reference):
    def forward(self, x, key_padding_mask=None, is_causal=False):
        return super().forward(x, key_padding_mask, False)  # the mistake: is_causal dropped
