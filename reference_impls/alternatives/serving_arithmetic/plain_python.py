"""Serving arithmetic in plain Python, the way it is done on a whiteboard: per-request loops, a hand-rolled
percentile (linear interpolation between order statistics, as NumPy's default), named intermediate terms."""

import math

import numpy as np


def request_metrics(arrival, token_times):
    ttft, tpot, e2e = [], [], []
    for a, times in zip(arrival, token_times):
        times = [float(t) for t in times]
        ttft.append(times[0] - a)
        e2e.append(times[-1] - a)
        gaps = [b - a_ for a_, b in zip(times, times[1:])]
        tpot.append(sum(gaps) / len(gaps) if gaps else math.nan)
    return {k: np.array(v, dtype=np.float64) for k, v in (("ttft", ttft), ("tpot", tpot), ("e2e", e2e))}


def _percentile(values, q):
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def trace_summary(arrival, token_times, percentiles=(50.0, 90.0, 99.0)):
    metrics = request_metrics(arrival, token_times)
    tokens = sum(len(t) for t in token_times)
    span = max(float(t[-1]) for t in token_times) - min(float(a) for a in arrival)
    out = {"throughput": tokens / span}
    for name, values in metrics.items():
        kept = [float(v) for v in values if not math.isnan(v)]
        out[name] = np.array([_percentile(kept, q) if kept else math.nan for q in percentiles])
    return out


def gemm_intensity(m, n, k, bytes_per_element):
    flops = 2 * m * n * k
    traffic = (m * k + k * n + m * n) * bytes_per_element
    return flops / traffic


def layer_flops_bytes(batch, new_tokens, context, d_model, n_heads, n_kv_heads, d_ff, bytes_per_element):
    head_dim = d_model // n_heads
    kv_dim = n_kv_heads * head_dim
    params = d_model * d_model * 2 + d_model * kv_dim * 2 + d_model * d_ff * 2
    tokens = batch * new_tokens
    keys_seen = sum(context + i + 1 for i in range(new_tokens))
    flops = 2 * params * tokens + 2 * 2 * batch * n_heads * head_dim * keys_seen
    elements = params + 2 * batch * (context + new_tokens) * kv_dim + 2 * tokens * d_model
    return float(flops), float(elements * bytes_per_element)


def roofline(flops, nbytes, peak_tflops, bandwidth_gbs):
    compute_s = flops / (peak_tflops * 1e12)
    memory_s = nbytes / (bandwidth_gbs * 1e9)
    return {
        "intensity": flops / nbytes,
        "ridge": peak_tflops * 1e12 / (bandwidth_gbs * 1e9),
        "bound": "memory" if memory_s > compute_s else "compute",
        "time_s": max(compute_s, memory_s),
    }


def kv_bytes_per_token(n_layer, d_model, n_heads, n_kv_heads, bytes_per_element):
    head_dim = d_model // n_heads
    k_and_v = 2
    return k_and_v * n_layer * n_kv_heads * head_dim * bytes_per_element


def max_batch(memory_bytes, weight_bytes, seq_len, n_layer, d_model, n_heads, n_kv_heads, bytes_per_element):
    left = memory_bytes - weight_bytes
    if left <= 0:
        return 0
    return left // (seq_len * kv_bytes_per_token(n_layer, d_model, n_heads, n_kv_heads, bytes_per_element))


def expected_tokens_per_step(alpha, k):
    # the geometric series 1 + alpha + ... + alpha^k: P(at least i drafts accepted), plus the target's token
    return float(sum(alpha**i for i in range(k + 1)))


def speculative_speedup(alpha, k, cost_ratio):
    return expected_tokens_per_step(alpha, k) / (k * cost_ratio + 1)
