"""Wrong: the size arithmetic counts the K cache only (no factor 2)."""

from reference_impls.torch.kv_cache import CausalSelfAttention, KVCache  # noqa: F401 - as in the reference

EXPECTED_HINT = "there is a V cache too"


def kv_cache_bytes(batch, seq_len, n_layer, n_kv_head, head_dim, bytes_per_element=2):
    return batch * seq_len * n_layer * n_kv_head * head_dim * bytes_per_element  # the mistake: no factor 2
