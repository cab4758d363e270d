"""Wrong: the KV cache counts one tensor per token and layer, as if only K were cached."""

from reference_impls.numpy.serving_arithmetic import (  # noqa: F401 - the rest is right
    expected_tokens_per_step,
    gemm_intensity,
    layer_flops_bytes,
    request_metrics,
    roofline,
    speculative_speedup,
    trace_summary,
)

EXPECTED_HINT = "each token stores a K AND a V vector"


def kv_bytes_per_token(n_layer, d_model, n_heads, n_kv_heads, bytes_per_element):
    return n_layer * n_kv_heads * (d_model // n_heads) * bytes_per_element  # the mistake: no factor 2 for K and V


def max_batch(memory_bytes, weight_bytes, seq_len, n_layer, d_model, n_heads, n_kv_heads, bytes_per_element):
    per_sequence = seq_len * kv_bytes_per_token(n_layer, d_model, n_heads, n_kv_heads, bytes_per_element)
    return max(0, (memory_bytes - weight_bytes) // per_sequence)
