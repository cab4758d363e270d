"""Wrong: a list-of-chunks cache whose len() counts the appends, not the cached positions."""

import torch

from reference_impls.torch.kv_cache import CausalSelfAttention, kv_cache_bytes  # noqa: F401

EXPECTED_HINT = "counts the appends"


class KVCache:
    def __init__(self):
        self.ks, self.vs = [], []

    def __len__(self):
        return len(self.ks)  # the mistake: chunks, not positions

    def append(self, k, v):
        self.ks.append(k)
        self.vs.append(v)
        return torch.cat(self.ks, dim=2), torch.cat(self.vs, dim=2)
