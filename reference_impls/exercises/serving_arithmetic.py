"""Exercise: serving arithmetic: TTFT / TPOT / throughput from a trace, rooflines, KV capacity, speculation."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe

# (name, peak dense BF16 TFLOP/s, HBM GB/s): the vendors' datasheet figures (SXM parts)
GPUS = {"h100_sxm": (989.0, 3350.0), "a100_sxm": (312.0, 2039.0), "h200_sxm": (989.0, 4800.0)}

# Llama-2-7B and -70B layers (d_model, n_heads, n_kv_heads, d_ff; the MLP counted as two d x d_ff matrices)
LLAMA_7B = dict(d_model=4096, n_heads=32, n_kv_heads=32, d_ff=11008)
LLAMA_70B = dict(d_model=8192, n_heads=64, n_kv_heads=8, d_ff=28672)


def _trace(rng, n, one_token=False, shuffled=False):
    """n requests: Poisson arrivals, a queueing + prefill delay, then decode gaps; lengths 1..40."""
    arrival = np.cumsum(rng.exponential(0.05, n))
    lengths = rng.integers(2, 40, n)
    if one_token:
        lengths[rng.integers(0, n)] = 1
    times = []
    for a, length in zip(arrival, lengths, strict=True):
        first = a + rng.uniform(0.02, 0.4)
        times.append(first + np.concatenate([[0.0], np.cumsum(rng.uniform(0.01, 0.05, length - 1))]))
    order = rng.permutation(n) if shuffled else np.arange(n)
    return arrival[order], [times[i] for i in order]


def metrics_cases():
    notes = {
        "one_token_request": "a one-token request: TTFT and E2E are defined, TPOT is NaN (no gap after the first token)",
        "unsorted": "requests not listed in arrival order",
    }
    for n, (name, size, one, shuffled) in enumerate(
        [
            ("random", 8, False, False),
            ("random", 20, False, False),
            ("one_token_request", 6, True, False),
            ("unsorted", 9, False, True),
        ]
    ):
        s = 61000 + n
        arrival, times = _trace(np.random.default_rng(s), size, one, shuffled)
        yield Case(name, (arrival, times), seed=s, note=notes.get(name, ""))
    yield Case(
        "by_hand",
        (np.array([0.0, 1.0]), [np.array([0.5, 0.7, 0.9, 1.1]), np.array([1.25, 1.5])]),
        note="TTFT [0.5, 0.25]; TPOT [(1.1 - 0.5) / 3 = 0.2, 0.25]; E2E [1.1, 0.5]",
    )


def summary_cases():
    for n, (size, q) in enumerate([(12, (50.0, 90.0, 99.0)), (7, (25.0, 75.0)), (30, (0.0, 50.0, 100.0))]):
        s = 61100 + n
        arrival, times = _trace(np.random.default_rng(s), size, one_token=n == 1, shuffled=n == 2)
        yield Case("random", (arrival, times), {"percentiles": q}, seed=s, note=f"percentiles {q}")
    yield Case(
        "by_hand",
        (np.array([2.0, 0.0, 1.0]), [np.array([3.0, 3.5]), np.array([0.5, 1.0, 1.5, 2.0]), np.array([1.5])]),
        {"percentiles": (50.0, 90.0)},
        note="7 tokens over 0 .. 3.5 s (first arrival to last token): 2 tokens/s; the one-token request has no TPOT",
    )
    yield Case(
        "one_token_requests_only",
        (np.array([0.0, 1.0]), [np.array([0.5]), np.array([1.2])]),
        {"percentiles": (50.0,)},
        note="no request has a second token: every TPOT is NaN, so its percentiles are NaN",
    )


def _rows(rows):
    def make():
        for name, kwargs, note, *zero_ok in rows:  # a 4th element True: zero on purpose
            yield Case(name, (), kwargs, note=note, zero_ok=bool(zero_ok))

    return make


GEMM = [
    ("decode_gemv", dict(m=1, n=4096, k=4096, bytes_per_element=2), "one token through a 4096 x 4096 bf16 weight: ~1"),
    ("square", dict(m=4096, n=4096, k=4096, bytes_per_element=2), "4096^3 bf16: 1365"),
    ("batch_64_int8", dict(m=64, n=8192, k=8192, bytes_per_element=1), ""),
    (
        "prefill_mlp",
        dict(m=2048, n=11008, k=4096, bytes_per_element=2),
        "a 2048-token prefill through Llama's up-projection",
    ),
]

LAYER = [
    ("7b_prefill", dict(batch=1, new_tokens=2048, context=0, **LLAMA_7B, bytes_per_element=2), "prefill of 2048"),
    ("7b_decode_b1", dict(batch=1, new_tokens=1, context=2048, **LLAMA_7B, bytes_per_element=2), "decode at 2048"),
    ("7b_decode_b64", dict(batch=64, new_tokens=1, context=512, **LLAMA_7B, bytes_per_element=2), ""),
    (
        "70b_gqa_decode_b256",
        dict(batch=256, new_tokens=1, context=4096, **LLAMA_70B, bytes_per_element=2),
        "GQA: 8 KV heads of 128 read per token, 64 query heads computed",
    ),
    (
        "chunked_prefill",
        dict(
            batch=2,
            new_tokens=512,
            context=1024,
            d_model=1024,
            n_heads=16,
            n_kv_heads=4,
            d_ff=4096,
            bytes_per_element=1,
        ),
        "a 512-token chunk after 1024 cached tokens: each query sees the cache and the chunk up to itself",
    ),
]


def roofline_cases():
    from reference_impls.numpy.serving_arithmetic import layer_flops_bytes

    for name, kwargs, _ in LAYER:
        for gpu, (peak, bw) in GPUS.items():
            if gpu == "a100_sxm" and name.startswith("7b_decode"):
                continue
            flops, nbytes = layer_flops_bytes(**kwargs)
            yield Case(f"{name}_{gpu}", (flops, nbytes, peak, bw), note=f"{gpu}: {peak:g} TFLOP/s, {bw:g} GB/s")
    yield Case(
        "at_the_ridge",
        (5.0e8, 1.0e6, 1000.0, 2000.0),
        note="intensity 500 = the ridge 1e15 / 2e12: not below it, so 'compute' (both limits equal)",
    )


KV = [
    (
        "llama2_7b_fp16",
        dict(n_layer=32, d_model=4096, n_heads=32, n_kv_heads=32, bytes_per_element=2),
        "0.5 MiB a token",
    ),
    (
        "llama2_70b_gqa",
        dict(n_layer=80, d_model=8192, n_heads=64, n_kv_heads=8, bytes_per_element=2),
        "GQA: 8 KV heads, not 64: 320 KiB a token",
    ),
    ("multi_query_int8", dict(n_layer=12, d_model=768, n_heads=12, n_kv_heads=1, bytes_per_element=1), "one KV head"),
    ("gpt2_fp32", dict(n_layer=12, d_model=768, n_heads=12, n_kv_heads=12, bytes_per_element=4), ""),
]

MAX_BATCH = [
    (
        "7b_on_h100_80gb",
        dict(
            memory_bytes=80 * 10**9,
            weight_bytes=13_476_839_424,
            seq_len=4096,
            n_layer=32,
            d_model=4096,
            n_heads=32,
            n_kv_heads=32,
            bytes_per_element=2,
        ),
        "66.5 GB left / 2 GiB per 4096-token sequence: 30",
    ),
    (
        "70b_gqa_on_8_h100",
        dict(
            memory_bytes=640 * 10**9,
            weight_bytes=137_953_316_864,
            seq_len=8192,
            n_layer=80,
            d_model=8192,
            n_heads=64,
            n_kv_heads=8,
            bytes_per_element=2,
        ),
        "GQA makes the cache 8x smaller than with 64 KV heads",
    ),
    (
        "exact_fit",
        dict(
            memory_bytes=1000 + 3 * 64 * 2 * 2 * 2 * 4 * 2,
            weight_bytes=1000,
            seq_len=64,
            n_layer=2,
            d_model=16,
            n_heads=4,
            n_kv_heads=2,
            bytes_per_element=2,
        ),
        "room for exactly 3 sequences",
    ),
    (
        "weights_do_not_fit",
        dict(
            memory_bytes=24 * 10**9,
            weight_bytes=26 * 10**9,
            seq_len=1024,
            n_layer=40,
            d_model=5120,
            n_heads=40,
            n_kv_heads=40,
            bytes_per_element=2,
        ),
        "the weights alone exceed the memory: 0, not a negative batch",
        True,
    ),
]

SPEC = [
    ("alpha_0.6_k4", dict(alpha=0.6, k=4), "(1 - 0.6^5) / 0.4 = 2.306"),
    ("alpha_0.8_k7", dict(alpha=0.8, k=7), ""),
    ("all_rejected", dict(alpha=0.0, k=5), "alpha 0: only the target's own token, 1 per step"),
    ("all_accepted", dict(alpha=1.0, k=3), "alpha 1: every draft plus the target's token, k + 1 (the formula is 0/0)"),
    ("no_drafts", dict(alpha=0.7, k=0), "k 0: plain decoding"),
]

SPEEDUP = [
    ("alpha_0.8_k5_c0.05", dict(alpha=0.8, k=5, cost_ratio=0.05), ""),
    ("alpha_0.6_k3_c0.2", dict(alpha=0.6, k=3, cost_ratio=0.2), ""),
    ("free_draft", dict(alpha=0.9, k=4, cost_ratio=0.0), "c 0: the speed-up is E itself"),
    (
        "slow_draft",
        dict(alpha=0.5, k=6, cost_ratio=0.5),
        "a draft at half the target's cost: slower than plain decoding",
    ),
    ("all_accepted", dict(alpha=1.0, k=4, cost_ratio=0.1), "(k + 1) / (k c + 1)"),
]

# -- known mistakes -----------------------------------------------------------------------------------


def _metrics_with(tpot):
    def request_metrics(arrival, token_times):
        from reference_impls.numpy.serving_arithmetic import request_metrics as ref

        out = ref(arrival, token_times)
        out["tpot"] = np.array([tpot(a, np.asarray(t)) for a, t in zip(arrival, token_times, strict=True)])
        return out

    return request_metrics


def _summary_with(metrics=None, span=None, method="linear"):
    def trace_summary(arrival, token_times, percentiles=(50.0, 90.0, 99.0)):
        from reference_impls.numpy.serving_arithmetic import request_metrics

        m = (metrics or request_metrics)(arrival, token_times)
        last = max(float(t[-1]) for t in token_times)
        start = span(arrival, token_times) if span else float(np.min(arrival))
        out = {"throughput": sum(len(t) for t in token_times) / (last - start)}
        for name in ("ttft", "tpot", "e2e"):
            v = m[name][~np.isnan(m[name])]
            out[name] = np.percentile(v, percentiles, method=method) if v.size else np.full(len(percentiles), np.nan)
        return out

    return trace_summary


_TPOT_WITH_FIRST = _metrics_with(lambda a, t: (t[-1] - a) / len(t))
_TPOT_OVER_N = _metrics_with(lambda a, t: (t[-1] - t[0]) / len(t))


def _gemm(flops_factor=2, operands=("a", "b", "c")):
    def gemm_intensity(m, n, k, bytes_per_element):
        sizes = {"a": m * k, "b": k * n, "c": m * n}
        return flops_factor * m * n * k / (sum(sizes[o] for o in operands) * bytes_per_element)

    return {"gemm_intensity": gemm_intensity}


def _kv(heads="kv", factor=2):
    def kv_bytes_per_token(n_layer, d_model, n_heads, n_kv_heads, bytes_per_element):
        width = d_model if heads == "query" else n_kv_heads * (d_model // n_heads)
        return factor * n_layer * width * bytes_per_element

    def max_batch(memory_bytes, weight_bytes, seq_len, n_layer, d_model, n_heads, n_kv_heads, bytes_per_element):
        per_token = kv_bytes_per_token(n_layer, d_model, n_heads, n_kv_heads, bytes_per_element)
        return max(0, (memory_bytes - weight_bytes) // (seq_len * per_token))

    return {"kv_bytes_per_token": kv_bytes_per_token, "max_batch": max_batch}


def _layer(kv_read=True, causal=True, query_heads_kv=False):
    def layer_flops_bytes(batch, new_tokens, context, d_model, n_heads, n_kv_heads, d_ff, bytes_per_element):
        from reference_impls.numpy.serving_arithmetic import layer_params

        hd = d_model // n_heads
        params = layer_params(d_model, n_heads, n_kv_heads, d_ff)
        attended = new_tokens * context + (new_tokens * (new_tokens + 1) // 2 if causal else new_tokens**2)
        flops = 2 * params * batch * new_tokens + 4 * batch * n_heads * hd * attended
        kv_width = n_heads * hd if query_heads_kv else n_kv_heads * hd
        kv = 2 * batch * ((context if kv_read else 0) + new_tokens) * kv_width
        return float(flops), float((params + kv + 2 * batch * new_tokens * d_model) * bytes_per_element)

    return {"layer_flops_bytes": layer_flops_bytes}


def _roofline_units(flops, nbytes, peak_tflops, bandwidth_gbs):
    intensity, ridge = flops / nbytes, peak_tflops / bandwidth_gbs  # TFLOP/s over GB/s: 1000x too small
    return {
        "intensity": intensity,
        "ridge": ridge,
        "bound": "memory" if intensity < ridge else "compute",
        "time_s": max(flops / (peak_tflops * 1e12), nbytes / (bandwidth_gbs * 1e9)),
    }


def _spec_k_terms(alpha, k):
    return float(k) if alpha == 1.0 else (1.0 - alpha**k) / (1.0 - alpha)


def _speedup_without_draft_cost(alpha, k, cost_ratio):
    from reference_impls.numpy.serving_arithmetic import expected_tokens_per_step

    return expected_tokens_per_step(alpha, k)


EXERCISE = Exercise.of(
    info("serving_arithmetic"),
    task="""The numbers a serving engineer computes on a whiteboard, from a trace or from a model's shapes.

1. A request trace: request i arrives at arrival[i]; token_times[i] is a 1-D array of the times its
   output tokens appeared (sorted; the first is the first token). Requests may be listed in any order.
   request_metrics -> {"ttft", "tpot", "e2e"}, each a float64 array (N,):
     TTFT = t_first - arrival; E2E = t_last - arrival;
     TPOT = (t_last - t_first) / (n - 1): the mean time per output token AFTER the first (vLLM's
     benchmark and GenAI-Perf define it so: the first token's wait is TTFT's); NaN when n == 1.
   trace_summary(arrival, token_times, percentiles) -> {"throughput": output tokens per second over the
     trace's span (first arrival to last token), "ttft" / "tpot" / "e2e": np.percentile of each metric
     at `percentiles` (NumPy's default linear interpolation), NaN TPOTs left out (all NaN: NaN)}.
2. Arithmetic intensity and the roofline. gemm_intensity(m, n, k, bytes_per_element): FLOPs per byte of
   (m, k) @ (k, n): 2mnk FLOPs over the bytes of A, B and C (each read or written once).
   layer_flops_bytes(batch, new_tokens, context, d_model, n_heads, n_kv_heads, d_ff, bytes_per_element)
   -> (flops, bytes) as floats, of one transformer layer (no biases; norms ignored), for `batch` sequences
   that each have `context` tokens cached and compute `new_tokens` new ones (prefill: context 0; decode:
   new_tokens 1). head_dim = d_model / n_heads. Weights: Wq, Wo (d_model x d_model), Wk, Wv (d_model x
   n_kv_heads * head_dim), the MLP's two d_model x d_ff matrices; params = their sizes summed.
     FLOPs = 2 * params * batch * new_tokens
           + 4 * batch * n_heads * head_dim * S,  S = sum over new token i (0-based) of context + i + 1
             (the keys query i attends, causally; QK^T and PV are 2 FLOPs per multiply-add each)
     bytes = bytes_per_element * (params                                  weights, read once
           + 2 * batch * (context + new_tokens) * n_kv_heads * head_dim   K and V: the cache read, the new ones written
           + 2 * batch * new_tokens * d_model)                            the layer's input read, output written
   roofline(flops, nbytes, peak_tflops, bandwidth_gbs) -> {"intensity": flops / nbytes, "ridge": peak
   FLOP/s / bandwidth bytes/s, "bound": "memory" if intensity < ridge else "compute", "time_s": the
   lower bound max(flops / peak, nbytes / bandwidth)}; TFLOP/s is 1e12 FLOP/s, GB/s 1e9 bytes/s
   (H100 SXM: 989 TFLOP/s dense BF16, 3350 GB/s). Prefill is compute-bound; decode is memory-bound
   until the batch is large.
3. KV-cache capacity. kv_bytes_per_token(n_layer, d_model, n_heads, n_kv_heads, bytes_per_element): a
   K and a V vector per layer and KV head, head_dim = d_model / n_heads (grouped-query attention keeps
   n_kv_heads < n_heads). max_batch(memory_bytes, weight_bytes, seq_len, ...the same...): the most
   sequences of seq_len tokens whose caches fit in memory_bytes - weight_bytes (an int, 0 if none).
4. Speculative decoding (Leviathan et al. 2023, Sec. 3): k drafted tokens, each accepted with
   probability alpha (independently). expected_tokens_per_step(alpha, k) = (1 - alpha^(k+1)) / (1 - alpha),
   the tokens one target call yields (k + 1 at alpha = 1). speculative_speedup(alpha, k, cost_ratio):
   a step costs k draft calls and 1 target call, cost_ratio c = draft call / target call, so the
   wall-clock speed-up over plain decoding is E / (k * c + 1).""",
    entry_points=(
        EntryPoint(
            "request_metrics",
            "(arrival, token_times)",
            "arrival (N,) float64, token_times: N 1-D arrays -> {'ttft', 'tpot', 'e2e'}: float64 (N,) each; TPOT NaN for 1 token.",
        ),
        EntryPoint(
            "trace_summary",
            "(arrival, token_times, percentiles=(50.0, 90.0, 99.0))",
            "-> {'throughput': float, 'ttft' / 'tpot' / 'e2e': np.percentile at `percentiles` (NaN TPOTs dropped)}.",
        ),
        EntryPoint("gemm_intensity", "(m, n, k, bytes_per_element)", "FLOPs per byte of (m, k) @ (k, n) -> float."),
        EntryPoint(
            "layer_flops_bytes",
            "(batch, new_tokens, context, d_model, n_heads, n_kv_heads, d_ff, bytes_per_element)",
            "-> (flops, bytes) floats of one transformer layer's forward pass (the task's formulas).",
        ),
        EntryPoint(
            "roofline",
            "(flops, nbytes, peak_tflops, bandwidth_gbs)",
            "-> {'intensity', 'ridge' (FLOPs/byte), 'bound' ('memory' | 'compute'), 'time_s'}.",
        ),
        EntryPoint(
            "kv_bytes_per_token",
            "(n_layer, d_model, n_heads, n_kv_heads, bytes_per_element)",
            "Bytes of K and V one token holds over all layers -> int.",
        ),
        EntryPoint(
            "max_batch",
            "(memory_bytes, weight_bytes, seq_len, n_layer, d_model, n_heads, n_kv_heads, bytes_per_element)",
            "The most seq_len-token sequences whose KV cache fits beside the weights -> int (0 if none).",
        ),
        EntryPoint(
            "expected_tokens_per_step", "(alpha, k)", "(1 - alpha^(k+1)) / (1 - alpha); k + 1 at alpha 1 -> float."
        ),
        EntryPoint(
            "speculative_speedup", "(alpha, k, cost_ratio)", "Expected tokens per step / (k * cost_ratio + 1) -> float."
        ),
    ),
    checks=(
        Check(
            "metrics",
            "request_metrics",
            metrics_cases,
            description="traces of 6-20 requests; one-token request; unsorted; by hand",
        ),
        Check(
            "summary",
            "trace_summary",
            summary_cases,
            description="percentiles (50, 90, 99), (25, 75), (0, 50, 100); by hand",
        ),
        Check("gemm", "gemm_intensity", _rows(GEMM), description="decode GEMV, 4096^3, int8 batch 64, a prefill MLP"),
        Check(
            "layer",
            "layer_flops_bytes",
            _rows(LAYER),
            description="Llama-2-7B prefill / decode batch 1 and 64, 70B GQA decode batch 256, a chunked prefill",
        ),
        Check(
            "roofline", "roofline", roofline_cases, description="those layers on H100, A100, H200 figures; at the ridge"
        ),
        Check(
            "kv_bytes",
            "kv_bytes_per_token",
            _rows(KV),
            canonical=float,
            description="Llama-2 7B and 70B (GQA), MQA int8, GPT-2 fp32",
        ),
        Check(
            "max_batch",
            "max_batch",
            _rows(MAX_BATCH),
            canonical=float,
            description="7B on 80 GB, 70B GQA on 640 GB, an exact fit, weights that do not fit",
        ),
        Check(
            "spec_tokens", "expected_tokens_per_step", _rows(SPEC), description="alpha 0.6 / 0.8; alpha 0 and 1; k 0"
        ),
        Check("spec_speedup", "speculative_speedup", _rows(SPEEDUP), description="c 0 / 0.05 / 0.2 / 0.5; alpha 1"),
    ),
    probes=(
        Probe(
            "TPOT counts the first token: TPOT is the mean gap AFTER it, (t_last - t_first) / (n - 1); the first "
            "token's wait (queueing and prefill) is TTFT's",
            impl={"request_metrics": _TPOT_WITH_FIRST, "trace_summary": _summary_with(_TPOT_WITH_FIRST)},
        ),
        Probe(
            "TPOT divides by n: n tokens have n - 1 gaps after the first, so (t_last - t_first) / (n - 1)",
            impl={"request_metrics": _TPOT_OVER_N, "trace_summary": _summary_with(_TPOT_OVER_N)},
        ),
        Probe(
            "throughput over the wrong span: count from the first ARRIVAL (queueing is part of serving) to the last token",
            impl={"trace_summary": _summary_with(span=lambda a, t: min(float(x[0]) for x in t))},
        ),
        Probe(
            "the percentiles are not NumPy's default: interpolate linearly between order statistics "
            "(np.percentile(values, q), method 'linear')",
            impl={"trace_summary": _summary_with(method="nearest")},
        ),
        Probe(
            "the intensity counts one operand's bytes: count A (m x k), B (k x n) and C (m x n), each moved once",
            impl=_gemm(operands=("b",)),
        ),
        Probe("a multiply-add is 2 FLOPs: a GEMM does 2mnk", impl=_gemm(flops_factor=1)),
        Probe(
            "the KV cache counts one tensor: each token stores a K AND a V vector, a factor 2",
            impl=_kv(factor=1),
        ),
        Probe(
            "the KV cache uses the query heads: K and V have n_kv_heads heads of head_dim = d_model / n_heads "
            "(grouped-query attention shares each among n_heads / n_kv_heads query heads)",
            impl=_kv(heads="query"),
        ),
        Probe(
            "decode reads the whole KV cache: count the context's K and V (2 * batch * context * n_kv_heads * "
            "head_dim elements) besides the new ones",
            impl=_layer(kv_read=False),
        ),
        Probe(
            "attention is causal: new query i attends context + i + 1 keys, not all of them",
            impl=_layer(causal=False),
        ),
        Probe(
            "K and V have n_kv_heads heads, not n_heads: their bytes are 2 * tokens * n_kv_heads * head_dim",
            impl=_layer(query_heads_kv=True),
        ),
        Probe(
            "units: peak_tflops is 1e12 FLOP/s and bandwidth_gbs 1e9 bytes/s, so the ridge is "
            "peak_tflops * 1e12 / (bandwidth_gbs * 1e9) FLOPs per byte",
            impl={"roofline": _roofline_units},
        ),
        Probe(
            "k drafts give k + 1 terms: the target's own token comes on top of the accepted drafts, "
            "(1 - alpha^(k+1)) / (1 - alpha)",
            impl={
                "expected_tokens_per_step": _spec_k_terms,
                "speculative_speedup": lambda alpha, k, cost_ratio: _spec_k_terms(alpha, k) / (k * cost_ratio + 1),
            },
        ),
        Probe(
            "the draft model's calls cost time too: divide by k * cost_ratio + 1 (k draft calls plus one target call)",
            impl={"speculative_speedup": _speedup_without_draft_cost},
        ),
        Probe(
            "alpha = 1 makes the formula 0 / 0: every draft is accepted, k + 1 tokens per step",
            when=lambda case, actual, expected: (
                case.kwargs.get("alpha") == 1.0 and not (isinstance(actual, float) and np.isfinite(actual))
            ),
        ),
    ),
)
