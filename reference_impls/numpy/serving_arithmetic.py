"""Serving arithmetic: latency metrics from a request trace, roofline verdicts, KV-cache capacity, speculation.

Latency (the definitions of vLLM's benchmark_serving and of NVIDIA's GenAI-Perf): a request arrives at
time a and its n output tokens appear at t_1 <= ... <= t_n.
  TTFT (time to first token)  = t_1 - a           (queueing + prefill)
  TPOT (time per output token) = (t_n - t_1) / (n - 1), the mean gap AFTER the first token (decode
      speed); undefined (NaN) for a one-token request, which percentiles then skip
  E2E latency                  = t_n - a
  throughput                   = all output tokens / (last token's time - first arrival), tokens/s
  percentiles                  = NumPy's default (linear interpolation between order statistics)

Roofline (Williams et al. 2009): a kernel doing F FLOPs on B bytes of memory traffic has arithmetic
intensity I = F / B; on a GPU with peak P FLOP/s and bandwidth W bytes/s it takes at least
max(F / P, B / W) seconds; it is memory-bound when I < P / W (the ridge point), else compute-bound.
A GEMM (m, k) @ (k, n) does 2mnk FLOPs and moves (mk + kn + mn) elements at least (each operand read
once, the output written once).

A transformer layer (no biases, norms ignored): Wq, Wo (d, d), Wk, Wv (d, n_kv_heads * head_dim),
an MLP of two (d, d_ff) matrices. A forward pass over `new_tokens` tokens for each of `batch`
sequences, which already have `context` tokens cached:
  FLOPs  = 2 * params * batch * new_tokens                              (the weight GEMMs)
         + 4 * batch * n_heads * head_dim * sum_i(context + i + 1)      (QK^T and PV, causal; i < new_tokens)
  bytes  = (params                                                      (weights read once)
         + 2 * batch * context * n_kv_heads * head_dim                  (K and V cache read)
         + 2 * batch * new_tokens * n_kv_heads * head_dim               (new K and V written)
         + 2 * batch * new_tokens * d) * bytes_per_element              (layer input read, output written)
Prefill (context 0, new_tokens = prompt) reuses each weight for every token: compute-bound. Decode
(new_tokens 1) reads every weight for one token per sequence: memory-bound until the batch is in
the hundreds (the ridge of an H100 SXM is 989e12 / 3.35e12 ~ 295 FLOPs/byte).

KV cache: each token holds a K and a V vector per layer and KV head: 2 * n_layer * n_kv_heads *
head_dim * bytes_per_element bytes, head_dim = d_model / n_heads (KV heads, not query heads: grouped-
query attention shrinks the cache by n_heads / n_kv_heads); the largest batch of
seq_len-token sequences that fits = floor((memory - weights) / (seq_len * bytes per token)).

Speculative decoding (Leviathan et al. 2023, Sec. 3.3-3.4): with acceptance rate a (each drafted
token accepted independently with probability a) and k drafted tokens per step, a step yields
E = (1 - a^(k+1)) / (1 - a) tokens on average (k + 1 when a = 1); it costs k draft calls and one
target call, so with c = draft cost / target cost the wall-clock speed-up over plain decoding is
E / (k * c + 1).

Limits: no overlap of compute and memory traffic beyond the roofline's max; no paging waste in the
KV capacity; independent acceptances (the paper's i.i.d. assumption).
"""

import numpy as np


def request_metrics(arrival, token_times):
    """arrival (N,), token_times: N arrays of each request's output-token times -> dict of (N,) float64 arrays."""
    first = np.array([t[0] for t in token_times], dtype=np.float64)
    last = np.array([t[-1] for t in token_times], dtype=np.float64)
    n = np.array([len(t) for t in token_times], dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        tpot = np.where(n > 1, (last - first) / (n - 1), np.nan)
    arrival = np.asarray(arrival, dtype=np.float64)
    return {"ttft": first - arrival, "tpot": tpot, "e2e": last - arrival}


def trace_summary(arrival, token_times, percentiles=(50.0, 90.0, 99.0)):
    """Throughput (output tokens/s over the trace's span) and percentiles of TTFT, TPOT, E2E (NaN TPOTs skipped)."""
    m = request_metrics(arrival, token_times)
    span = max(float(t[-1]) for t in token_times) - float(np.min(arrival))
    out = {"throughput": sum(len(t) for t in token_times) / span}
    q = np.asarray(percentiles, dtype=np.float64)
    for name in ("ttft", "tpot", "e2e"):
        values = m[name][~np.isnan(m[name])]
        out[name] = np.percentile(values, q) if values.size else np.full(q.shape, np.nan)
    return out


def gemm_intensity(m, n, k, bytes_per_element):
    """FLOPs per byte of (m, k) @ (k, n): 2mnk over every operand read once and the output written once."""
    return 2 * m * n * k / ((m * k + k * n + m * n) * bytes_per_element)


def layer_params(d_model, n_heads, n_kv_heads, d_ff):
    head_dim = d_model // n_heads
    return 2 * d_model * d_model + 2 * d_model * n_kv_heads * head_dim + 2 * d_model * d_ff


def layer_flops_bytes(batch, new_tokens, context, d_model, n_heads, n_kv_heads, d_ff, bytes_per_element):
    """(FLOPs, bytes) of one transformer layer's forward pass (the module docstring's model)."""
    head_dim = d_model // n_heads
    params = layer_params(d_model, n_heads, n_kv_heads, d_ff)
    attended = new_tokens * context + new_tokens * (new_tokens + 1) // 2  # keys seen by each new query, summed
    flops = 2 * params * batch * new_tokens + 4 * batch * n_heads * head_dim * attended
    kv = 2 * batch * (context + new_tokens) * n_kv_heads * head_dim
    elements = params + kv + 2 * batch * new_tokens * d_model
    return float(flops), float(elements * bytes_per_element)


def roofline(flops, nbytes, peak_tflops, bandwidth_gbs):
    """The roofline verdict: intensity, ridge point (FLOPs/byte), 'memory' or 'compute', the time bound (s)."""
    peak, bandwidth = peak_tflops * 1e12, bandwidth_gbs * 1e9
    intensity, ridge = flops / nbytes, peak / bandwidth
    return {
        "intensity": intensity,
        "ridge": ridge,
        "bound": "memory" if intensity < ridge else "compute",
        "time_s": max(flops / peak, nbytes / bandwidth),
    }


def kv_bytes_per_token(n_layer, d_model, n_heads, n_kv_heads, bytes_per_element):
    """K and V, per layer, per KV head (head_dim = d_model / n_heads): 2 * n_layer * n_kv_heads * head_dim * bytes."""
    return 2 * n_layer * n_kv_heads * (d_model // n_heads) * bytes_per_element


def max_batch(memory_bytes, weight_bytes, seq_len, n_layer, d_model, n_heads, n_kv_heads, bytes_per_element):
    """The most seq_len-token sequences whose KV cache fits beside the weights (0 if none)."""
    per_sequence = seq_len * kv_bytes_per_token(n_layer, d_model, n_heads, n_kv_heads, bytes_per_element)
    return max(0, (memory_bytes - weight_bytes) // per_sequence)


def expected_tokens_per_step(alpha, k):
    """Leviathan et al.'s E = (1 - alpha^(k+1)) / (1 - alpha): tokens one target call yields, k + 1 at alpha = 1."""
    if alpha == 1.0:
        return float(k + 1)
    return (1.0 - alpha ** (k + 1)) / (1.0 - alpha)


def speculative_speedup(alpha, k, cost_ratio):
    """Wall-clock speed-up over plain decoding: E / (k * c + 1), c = draft step cost / target step cost."""
    return expected_tokens_per_step(alpha, k) / (k * cost_ratio + 1.0)
