"""Wrong: key_padding_mask read as True = a key to attend (F.sdpa's attn_mask convention)."""

from reference_impls.torch.blocks import MLP  # noqa: F401 - as in the reference
from reference_impls.torch.blocks import Block as _Reference

EXPECTED_HINT = "key_padding_mask inverted"
ALSO_APPLIES = ("nan/inf where the reference is finite",)


class Block(_Reference):
    def forward(self, x, key_padding_mask=None, is_causal=False):
        if key_padding_mask is not None:
            key_padding_mask = ~key_padding_mask  # the mistake: True taken as 'attend'
        return super().forward(x, key_padding_mask, is_causal)
