"""Wrong: a GEMM's intensity divides by the weight matrix's bytes only, as if the activations were free."""

from reference_impls.numpy.serving_arithmetic import (  # noqa: F401 - the rest is right
    expected_tokens_per_step,
    kv_bytes_per_token,
    layer_flops_bytes,
    max_batch,
    request_metrics,
    roofline,
    speculative_speedup,
    trace_summary,
)

EXPECTED_HINT = "the intensity counts one operand's bytes"


def gemm_intensity(m, n, k, bytes_per_element):
    return 2 * m * n * k / (k * n * bytes_per_element)  # the mistake: B only; A (m x k) and C (m x n) move too
