"""Wrong: the KV cache's width is d_model (every query head), the multi-head formula applied to a GQA model."""

from reference_impls.numpy.serving_arithmetic import (  # noqa: F401 - the rest is right
    expected_tokens_per_step,
    gemm_intensity,
    layer_flops_bytes,
    request_metrics,
    roofline,
    speculative_speedup,
    trace_summary,
)

EXPECTED_HINT = "the KV cache uses the query heads"


def kv_bytes_per_token(n_layer, d_model, n_heads, n_kv_heads, bytes_per_element):
    return 2 * n_layer * d_model * bytes_per_element  # the mistake: d_model = n_heads * head_dim, not n_kv_heads


def max_batch(memory_bytes, weight_bytes, seq_len, n_layer, d_model, n_heads, n_kv_heads, bytes_per_element):
    per_token = kv_bytes_per_token(n_layer, d_model, n_heads, n_kv_heads, bytes_per_element)
    return max(0, (memory_bytes - weight_bytes) // (seq_len * per_token))
