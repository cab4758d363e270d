"""Wrong: a preallocated cache that returns its whole buffer, the zero slots not yet written included."""

from reference_impls.torch.kv_cache import CausalSelfAttention, kv_cache_bytes  # noqa: F401 - as in the reference

EXPECTED_HINT = "the first token, decoded through an EMPTY cache, is already wrong"
ALSO_APPLIES = ("part of the output is right",)


class KVCache:
    def __init__(self, max_len=16):
        self.max_len = max_len
        self.k = self.v = None
        self.pos = 0

    def __len__(self):
        return self.pos

    def append(self, k, v):
        B, nh, T, hs = k.shape
        if self.k is None:
            self.k = k.new_zeros(B, nh, self.max_len, hs)
            self.v = v.new_zeros(B, nh, self.max_len, hs)
        self.k[:, :, self.pos : self.pos + T] = k
        self.v[:, :, self.pos : self.pos + T] = v
        self.pos += T
        return self.k, self.v  # the mistake: [:, :, : self.pos] would hide the unwritten slots
