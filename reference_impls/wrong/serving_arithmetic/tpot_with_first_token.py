"""Wrong: TPOT is the whole request's time over its tokens, the first token's wait (TTFT) included."""

import numpy as np

from reference_impls.numpy.serving_arithmetic import (  # noqa: F401 - the rest is right
    expected_tokens_per_step,
    gemm_intensity,
    kv_bytes_per_token,
    layer_flops_bytes,
    max_batch,
    roofline,
    speculative_speedup,
)

EXPECTED_HINT = "TPOT counts the first token"


def request_metrics(arrival, token_times):
    arrival = np.asarray(arrival, dtype=np.float64)
    first = np.array([t[0] for t in token_times])
    last = np.array([t[-1] for t in token_times])
    n = np.array([len(t) for t in token_times])
    tpot = (last - arrival) / n  # the mistake: the time from arrival, over every token
    return {"ttft": first - arrival, "tpot": tpot, "e2e": last - arrival}


def trace_summary(arrival, token_times, percentiles=(50.0, 90.0, 99.0)):
    m = request_metrics(arrival, token_times)
    span = max(t[-1] for t in token_times) - np.min(arrival)
    out = {"throughput": sum(len(t) for t in token_times) / span}
    for name in ("ttft", "tpot", "e2e"):
        v = m[name][~np.isnan(m[name])]
        out[name] = np.percentile(v, percentiles)
    return out
