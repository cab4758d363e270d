"""Wrong: returns the size in GiB (a float), not bytes."""

from reference_impls.torch.kv_cache import CausalSelfAttention, KVCache  # noqa: F401

EXPECTED_HINT = "GiB, not bytes"


def kv_cache_bytes(batch, seq_len, n_layer, n_kv_head, head_dim, bytes_per_element=2):
    return 2 * batch * seq_len * n_layer * n_kv_head * head_dim * bytes_per_element / 2**30  # the mistake
