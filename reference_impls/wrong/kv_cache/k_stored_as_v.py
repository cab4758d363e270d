"""Wrong: append stores the new keys in the value cache too (a copy-paste slip), so attention averages keys."""

import torch

from reference_impls.torch.kv_cache import CausalSelfAttention, kv_cache_bytes  # noqa: F401 - as in the reference

EXPECTED_HINT = "k and v each in their own cache"
ALSO_APPLIES = ("part of the output is right",)


class KVCache:
    def __init__(self):
        self.k = self.v = None

    def __len__(self):
        return 0 if self.k is None else self.k.size(2)

    def append(self, k, v):
        self.k = k if self.k is None else torch.cat([self.k, k], dim=2)
        self.v = k if self.v is None else torch.cat([self.v, k], dim=2)  # the mistake: k where v belongs
        return self.k, self.v
