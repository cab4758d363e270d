"""Wrong: len(cache) reads the heads axis (k.shape[1]) instead of the sequence axis."""

from reference_impls.torch.kv_cache import CausalSelfAttention, kv_cache_bytes  # noqa: F401 - as in the reference
from reference_impls.torch.kv_cache import KVCache as _Reference

EXPECTED_HINT = "len(cache) returns the size of another axis"
ALSO_APPLIES = ("part of the output is right",)


class KVCache(_Reference):
    def __len__(self):
        return 0 if self.k is None else self.k.shape[1]  # the mistake: (B, nh, S, hs): axis 1 is the heads
