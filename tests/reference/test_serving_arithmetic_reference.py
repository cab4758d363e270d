"""serving_arithmetic.py against independent computations: torch's FLOP counter, torch.quantile, tensors'
nbytes, a brute-force capacity search and a Monte-Carlo simulation of speculative acceptance."""

import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from reference_impls.numpy import serving_arithmetic as sa


def _trace(seed, n=25):
    rng = np.random.default_rng(seed)
    arrival = rng.uniform(0, 5, n)
    times = [a + rng.uniform(0.01, 0.5) + np.cumsum(rng.uniform(0.005, 0.05, rng.integers(1, 30))) for a in arrival]
    return arrival, times


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_request_metrics_and_summary_match_event_by_event_accounting(seed):
    arrival, times = _trace(seed)
    m = sa.request_metrics(arrival, times)
    for i, t in enumerate(times):
        assert m["ttft"][i] == pytest.approx(t[0] - arrival[i])
        assert m["e2e"][i] == pytest.approx(t[-1] - arrival[i])
        if len(t) == 1:
            assert np.isnan(m["tpot"][i])
        else:  # the mean of the decode gaps, the first token's wait excluded
            assert m["tpot"][i] == pytest.approx(np.diff(t).mean())
    q = (10.0, 50.0, 90.0, 99.0)
    s = sa.trace_summary(arrival, times, q)
    events = np.concatenate(times)
    assert s["throughput"] == pytest.approx(events.size / (events.max() - arrival.min()))
    for name in ("ttft", "tpot", "e2e"):
        v = torch.tensor(m[name][~np.isnan(m[name])])
        np.testing.assert_allclose(
            s[name], torch.quantile(v, torch.tensor(q, dtype=torch.float64) / 100).numpy(), rtol=1e-12
        )


@pytest.mark.parametrize(("m", "n", "k", "b"), [(1, 64, 48, 2), (32, 16, 8, 4), (7, 5, 3, 1)])
def test_gemm_intensity_counts_flops_like_torch_and_bytes_of_all_operands(m, n, k, b):
    dtype = {1: torch.int8, 2: torch.float16, 4: torch.float32}[b]
    A, B = torch.ones(m, k), torch.ones(k, n)
    with FlopCounterMode(display=False) as counter:
        C = A @ B
    moved = sum(torch.empty(x.shape, dtype=dtype).nbytes for x in (A, B, C))
    assert sa.gemm_intensity(m, n, k, b) == pytest.approx(counter.get_total_flops() / moved)


def _layer_forward(batch, new_tokens, context, d_model, n_heads, n_kv_heads, d_ff):
    """A GQA layer's forward over new tokens with `context` cached: the FLOPs torch counts, and the attention's
    multiply-adds counted query by query (each new query against its visible keys only)."""
    hd = d_model // n_heads
    lin = lambda i, o: torch.nn.Linear(i, o, bias=False)  # noqa: E731
    wq, wk, wv, wo = (
        lin(d_model, d_model),
        lin(d_model, n_kv_heads * hd),
        lin(d_model, n_kv_heads * hd),
        lin(d_model, d_model),
    )
    up, down = lin(d_model, d_ff), lin(d_ff, d_model)
    x = torch.randn(batch, new_tokens, d_model)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        h = wo(wq(x)) + wk(x).repeat(1, 1, n_heads // n_kv_heads) + wv(x).repeat(1, 1, n_heads // n_kv_heads)
        down(torch.relu(up(h)))
    params = sum(p.numel() for m in (wq, wk, wv, wo, up, down) for p in m.parameters())
    macs = sum(batch * n_heads * (context + i + 1) * hd for i in range(new_tokens))  # q.k per visible key
    attention = 2 * macs * 2  # QK^T and PV, 2 FLOPs per multiply-add
    return counter.get_total_flops() + attention, params


@pytest.mark.parametrize(
    "shape",
    [
        dict(batch=2, new_tokens=5, context=0, d_model=16, n_heads=4, n_kv_heads=2, d_ff=24),
        dict(batch=3, new_tokens=1, context=9, d_model=32, n_heads=8, n_kv_heads=8, d_ff=40),
        dict(batch=1, new_tokens=4, context=6, d_model=24, n_heads=6, n_kv_heads=1, d_ff=16),
    ],
)
def test_layer_flops_and_bytes_against_a_counted_forward(shape):
    flops, params = _layer_forward(**shape)
    got_flops, got_bytes = sa.layer_flops_bytes(**shape, bytes_per_element=2)
    assert got_flops == flops
    hd = shape["d_model"] // shape["n_heads"]
    cache = torch.empty(
        2, shape["batch"], shape["context"] + shape["new_tokens"], shape["n_kv_heads"], hd, dtype=torch.float16
    )
    io = torch.empty(2, shape["batch"], shape["new_tokens"], shape["d_model"], dtype=torch.float16)
    assert got_bytes == params * 2 + cache.nbytes + io.nbytes


def test_decode_is_memory_bound_and_prefill_compute_bound_on_an_h100():
    llama = dict(d_model=4096, n_heads=32, n_kv_heads=32, d_ff=11008, bytes_per_element=2)
    decode = sa.roofline(*sa.layer_flops_bytes(1, 1, 1024, **llama), 989.0, 3350.0)
    prefill = sa.roofline(*sa.layer_flops_bytes(1, 2048, 0, **llama), 989.0, 3350.0)
    assert decode["bound"] == "memory" and decode["intensity"] < 2
    assert prefill["bound"] == "compute" and prefill["ridge"] == pytest.approx(989e12 / 3.35e12)
    for r, (f, b) in (
        (decode, sa.layer_flops_bytes(1, 1, 1024, **llama)),
        (prefill, sa.layer_flops_bytes(1, 2048, 0, **llama)),
    ):
        assert r["time_s"] == pytest.approx(max(f / 989e12, b / 3.35e12))
        assert (r["bound"] == "compute") == (f / 989e12 >= b / 3.35e12)  # the slower limit decides


@pytest.mark.parametrize(
    ("n_layer", "d_model", "n_heads", "n_kv", "dtype"),
    [(32, 4096, 32, 32, torch.float16), (80, 8192, 64, 8, torch.bfloat16), (4, 64, 8, 1, torch.int8)],
)
def test_kv_bytes_per_token_and_max_batch_against_allocated_caches(n_layer, d_model, n_heads, n_kv, dtype):
    hd = d_model // n_heads
    one_token = sum(
        torch.empty(1, n_kv, 1, hd, dtype=dtype).nbytes * 2 for _ in range(n_layer)
    )  # (B, kv heads, T, hd) K and V
    b = torch.empty((), dtype=dtype).element_size()
    assert sa.kv_bytes_per_token(n_layer, d_model, n_heads, n_kv, b) == one_token
    memory, weights, seq = 10**9 + 12345, 2 * 10**8, 77
    fits = 0
    while weights + (fits + 1) * seq * one_token <= memory:  # brute force
        fits += 1
    assert sa.max_batch(memory, weights, seq, n_layer, d_model, n_heads, n_kv, b) == fits
    assert sa.max_batch(weights - 1, weights, seq, n_layer, d_model, n_heads, n_kv, b) == 0


@pytest.mark.parametrize(
    ("alpha", "k", "c"), [(0.6, 4, 0.1), (0.9, 7, 0.05), (0.3, 2, 0.0), (1.0, 3, 0.2), (0.0, 5, 0.3)]
)
def test_speculative_expectation_against_a_monte_carlo_simulation(alpha, k, c):
    rng = np.random.default_rng(0)
    steps = 200_000
    accepted = rng.random((steps, k)) < alpha
    run = np.cumprod(accepted, axis=1).sum(axis=1)  # drafts accepted before the first rejection
    tokens = run + 1  # plus the target's token (the correction, or the bonus one after k acceptances)
    se = tokens.std() / np.sqrt(steps)
    assert abs(sa.expected_tokens_per_step(alpha, k) - tokens.mean()) <= 5 * se + 1e-12
    time_spec = steps * (k * c + 1.0)  # target-call units: k draft calls and one target call per step
    simulated = tokens.sum() / time_spec  # tokens per unit time; plain decoding makes 1
    assert sa.speculative_speedup(alpha, k, c) == pytest.approx(simulated, rel=5 * se / tokens.mean() + 1e-12)
