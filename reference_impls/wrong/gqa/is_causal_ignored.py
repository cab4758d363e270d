"""Wrong: the forward always masks causally, whatever is_causal says."""

from reference_impls.torch.gqa import GroupedQueryAttention as _Reference
from reference_impls.torch.gqa import repeat_kv  # noqa: F401 - as in the reference

EXPECTED_HINT = "is_causal=False"


class GroupedQueryAttention(_Reference):
    def forward(self, x, is_causal=True):
        return super().forward(x, is_causal=True)  # the mistake: the argument ignored
