"""The benchmark harness: metric math against hand-computed values, targets, the run loop with injected
timings, and (in a child with TRITON_INTERPRET=1) every benchmark's launchers on CPU tensors."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kernels import benchmarks, harness
from kernels.benchmarks import BENCHMARKS, Benchmark, Case, Measurement, Target, evaluate, run
from kernels.harness import CudaUnavailable, Roofline

REPO = Path(__file__).resolve().parents[2]
ROOF = Roofline(bandwidth_gbps=2000.0, tflops=500.0)


def test_throughput_units_follow_the_tutorial_formulas():
    assert harness.gbps(12 * 2**20, 0.01) == pytest.approx(1258.2912)  # 12 MiB in 10 us
    assert harness.tflops(2 * 4096**3, 0.25) == pytest.approx(549.755813888)  # a 4096^3 matmul in 0.25 ms


@pytest.mark.parametrize(
    ("name", "size", "nbytes", "flops"),
    [
        ("vector_add", 2**20, 12_582_912, 1_048_576),  # 3 fp32 vectors
        ("int8_add", 1000, 3000, 8000),
        ("softmax", 1024, 33_554_432, 20_971_520),  # 4096 x 1024 fp32, read and written
        ("layer_norm", 4096, 67_125_248, 134_217_728),  # 4096^2 fp16 twice + weight and bias
        ("rms_norm", 4096, 67_117_056, 67_108_864),
        ("matmul", 4096, 100_663_296, 137_438_953_472),
        ("matmul_naive", 256, 393_216, 33_554_432),
        ("w8a16_matmul", 16, 17_055_744, 536_870_912),  # x 128 KiB + W 16 MiB + fp32 scales 16 KiB + y 128 KiB
        ("flash_attention", 4096, 134_217_728, 274_877_906_944),  # q, k, v, o of 32 x 4096 x 128 fp16
        # x 128 KiB + packed W 8 MiB + fp32 scales 512 KiB + uint8 zeros 128 KiB (32 groups of 128) + y 128 KiB
        ("w4a16_matmul", 16, 9_306_112, 536_870_912),
        # K and V: 32 seqs x 1024 tokens x 8 kv heads x 128 x fp16, twice (128 MiB); q and out 256 KiB each;
        # 32 x 64 int32 table entries; 32 lengths. Flops: 4 * 32 seqs * 1024 * 32 heads * 128
        ("paged_attention", 1024, 134_750_336, 536_870_912),
    ],
)
def test_bytes_and_flops_against_hand_computed_values(name, size, nbytes, flops):
    bench = BENCHMARKS[name]
    assert (bench.nbytes(size), bench.flops(size)) == (nbytes, flops)


def test_target_points_are_in_the_default_sweeps():
    for bench in BENCHMARKS.values():
        for target in bench.targets:
            assert set(target.sizes) <= set(bench.sizes), bench.name
    assert BENCHMARKS["vector_add"].sizes[0] == 2**12 and BENCHMARKS["vector_add"].sizes[-1] == 2**28
    assert BENCHMARKS["matmul"].sizes == (256, 512, 1024, 2048, 4096, 8192)
    assert BENCHMARKS["flash_attention"].sizes == (512, 1024, 2048, 4096, 8192, 16384)
    assert (benchmarks.ATTN_BATCH * benchmarks.ATTN_HEADS, benchmarks.ATTN_HEAD_DIM) == (32, 128)
    wanted = {
        "vector_add": {("bandwidth", 0.90)},
        "int8_add": {("bandwidth", 0.90)},
        "softmax": {("bandwidth", 0.85), ("torch", 1.0)},
        "layer_norm": {("bandwidth", 0.85), ("torch", 1.0)},
        "rms_norm": {("bandwidth", 0.85), ("torch", 1.0)},
        "matmul": {("torch", 0.9)},
        "flash_attention": {("torch", 0.8)},
    }
    assert {n: {(t.kind, t.at_least) for t in b.targets} for n, b in BENCHMARKS.items() if b.targets} == wanted
    assert BENCHMARKS["matmul"].targets[0].sizes == (4096,)
    assert BENCHMARKS["flash_attention"].targets[0].sizes == (4096,)
    assert BENCHMARKS["matmul"].metric == BENCHMARKS["flash_attention"].metric == "TFLOP/s"
    assert BENCHMARKS["softmax"].metric == "GB/s"


def test_roofline_fraction_is_the_binding_ceiling():
    # vector add at 2^28: 3 GiB at 2000 GB/s is 1.6106 ms; its n flops are nothing at 500 TFLOP/s.
    nbytes = 12 * 2**28
    assert ROOF.best_ms(nbytes, 2**28) == pytest.approx(1.610612736)
    assert ROOF.fraction(nbytes, 2**28, 1.79) == pytest.approx(0.899784, abs=1e-6)
    assert ROOF.bandwidth_fraction(nbytes, 1.79) == pytest.approx(ROOF.fraction(nbytes, 2**28, 1.79))
    # matmul at 4096: 137.4 GFLOP at 500 TFLOP/s is 0.27488 ms; its 96 MiB would take only 0.05 ms.
    assert ROOF.best_ms(6 * 4096**2, 2 * 4096**3) == pytest.approx(0.274877906944)
    assert ROOF.compute_fraction(2 * 4096**3, 0.5) == pytest.approx(0.549755813888)
    assert ROOF.to_json() == {"bandwidth_gbps": 2000.0, "tflops": 500.0, "tflops_dtype": "float16"}


def test_evaluate_checks_the_bandwidth_target_only_at_its_sizes():
    bench = BENCHMARKS["vector_add"]
    best = ROOF.best_ms(bench.nbytes(2**28), bench.flops(2**28))
    hit = evaluate(bench, 2**28, Measurement(ms=best / 0.95, torch_ms=best / 0.9), ROOF)
    assert hit.throughput == pytest.approx(0.95 * 2000.0)
    assert hit.torch_throughput == pytest.approx(0.9 * 2000.0)
    assert hit.speedup == pytest.approx(0.95 / 0.9)
    assert hit.roofline_fraction == pytest.approx(0.95)
    assert [(c.kind, c.met) for c in hit.checks] == [("bandwidth", True)] and hit.met is True
    assert hit.checks[0].value == pytest.approx(0.95)
    miss = evaluate(bench, 2**28, Measurement(ms=best / 0.89, torch_ms=best), ROOF)
    assert miss.met is False and miss.checks[0].text == ">= 0.90 of copy bandwidth"
    untargeted = evaluate(bench, 2**12, Measurement(ms=0.004, torch_ms=0.005), ROOF)
    assert untargeted.checks == () and untargeted.met is None


def test_evaluate_needs_every_target_of_a_size():
    bench = BENCHMARKS["softmax"]  # >= 0.85 of copy bandwidth and >= 1.0x torch.softmax at 4096 x 8192
    best = ROOF.best_ms(bench.nbytes(8192), 0)
    fast_but_behind_torch = evaluate(bench, 8192, Measurement(ms=best / 0.9, torch_ms=best / 0.92), ROOF)
    assert [c.met for c in fast_but_behind_torch.checks] == [True, False]
    assert fast_but_behind_torch.met is False
    both = evaluate(bench, 8192, Measurement(ms=best / 0.9, torch_ms=best / 0.9), ROOF)  # a tie is 1.0x: met
    assert both.met is True


def test_matmul_is_judged_in_tflops_against_torch():
    bench = BENCHMARKS["matmul"]
    result = evaluate(bench, 4096, Measurement(ms=0.30, torch_ms=0.28), ROOF)
    assert result.metric == "TFLOP/s"
    assert result.throughput == pytest.approx(2 * 4096**3 / 0.30e-3 / 1e12)
    assert result.roofline_fraction == pytest.approx(0.274877906944 / 0.30)
    assert result.speedup == pytest.approx(0.28 / 0.30)
    assert result.checks[0].text == ">= 0.9x torch.matmul" and result.met is True  # 0.933x
    assert evaluate(bench, 4096, Measurement(ms=0.30, torch_ms=0.26), ROOF).met is False  # 0.867x


def test_target_kinds_are_checked():
    with pytest.raises(ValueError, match="unknown target kind"):
        Target("latency", 1.0, (1,))


def test_run_keeps_going_past_a_failed_point_and_reports_progress():
    bench = BENCHMARKS["vector_add"]

    class OutOfMemoryError(RuntimeError):  # torch.cuda.OutOfMemoryError, by name
        pass

    def measure(b, size):
        if size == 2**14:
            raise OutOfMemoryError("CUDA out of memory. Tried to allocate 4.00 GiB")
        if size == 2**16:
            raise ValueError("x must be contiguous\nsecond line")
        return Measurement(0.01, 0.02)

    started, done = [], []
    results = run(
        [(bench, (2**12, 2**14, 2**16, 2**18))],
        ROOF,
        measure_point=measure,
        on_start=lambda b, s: started.append(s),
        on_done=done.append,
    )
    assert started == [2**12, 2**14, 2**16, 2**18] and done == results
    assert [r.error for r in results] == [None, "out of memory at this size", "ValueError: x must be contiguous", None]
    assert results[1].ms is None and results[1].met is None and results[1].shape == "2^14"
    assert results[3].speedup == pytest.approx(2.0)


def test_report_has_the_device_the_roofline_every_row_and_the_definitions():
    bench = BENCHMARKS["matmul"]
    results = [
        evaluate(bench, 4096, Measurement(0.30, 0.28), ROOF),
        evaluate(bench, 2048, Measurement(0.05, 0.04), ROOF),
        benchmarks.failed(bench, 8192, "out of memory at this size"),
    ]
    info = {"device": "Test GPU", "versions": {"torch": "t", "triton": "tr", "cuda": "c", "python": "p"}}
    data = json.loads(json.dumps(benchmarks.report(info, ROOF, results, [(bench, (4096, 2048, 8192))])))
    assert data["device"] == "Test GPU" and data["roofline"]["tflops"] == 500.0
    assert [r["size"] for r in data["rows"]] == [4096, 2048, 8192]
    assert data["rows"][0]["targets"] == [
        {
            "target": ">= 0.9x torch.matmul",
            "kind": "torch",
            "at_least": 0.9,
            "value": pytest.approx(0.28 / 0.30),
            "met": True,
        }
    ]
    assert data["rows"][2]["error"] == "out of memory at this size" and data["rows"][2]["ms"] is None
    assert data["targets"] == {"met": 1, "missed": 0}
    assert data["benchmarks"][0]["flops"] == "2 * n^3" and data["benchmarks"][0]["metric"] == "TFLOP/s"


def test_measure_times_triton_then_torch_inside_torch_context():
    log = []

    @contextlib.contextmanager
    def pinned_backend():
        log.append("enter")
        yield
        log.append("exit")

    case = Case(triton=lambda: log.append("triton"), torch=lambda: log.append("torch"), torch_context=pinned_backend)
    bench = Benchmark(
        "fake", "f", "n", (1,), "GB/s", "n", "n", lambda n: n, lambda n: n, str, lambda size, device: case, "torch"
    )
    timings = iter([0.5, 0.25])

    def timer(fn):
        fn()
        return next(timings)

    assert benchmarks.measure(bench, 1, device="cpu", timer=timer) == Measurement(0.5, 0.25)
    assert log == ["triton", "enter", "torch", "exit"]


def test_time_ms_asks_do_bench_for_the_median(monkeypatch):
    import triton.testing

    calls = []
    monkeypatch.setattr(triton.testing, "do_bench", lambda fn, **kw: calls.append(kw) or 1.25)
    assert harness.time_ms(lambda: None) == 1.25
    assert harness.time_ms(lambda: None, warmup=5, rep=50) == 1.25
    assert calls == [
        {"warmup": 25, "rep": 100, "return_mode": "median"},
        {"warmup": 5, "rep": 50, "return_mode": "median"},
    ]


def test_copy_bandwidth_counts_read_and_write_bytes():
    copied = []

    def timer(fn):
        copied.append(fn())
        return 0.001  # 1 us

    assert harness.copy_bandwidth_gbps("cpu", nbytes=4096, timer=timer) == pytest.approx(2 * 4096 / 1e-6 / 1e9)
    assert copied[0].numel() == 4096 and copied[0].element_size() == 1


def test_matmul_tflops_counts_two_n_cubed():
    import torch

    shapes = []

    def timer(fn):
        out = fn()
        shapes.append((tuple(out.shape), out.dtype))
        return 0.002

    assert harness.matmul_tflops(torch.float32, n=64, device="cpu", timer=timer) == pytest.approx(
        2 * 64**3 / 2e-6 / 1e12
    )
    assert shapes == [((64, 64), torch.float32)]


def test_measure_roofline_is_one_copy_and_one_fp16_matmul():
    import torch

    timed = []

    def timer(fn):
        out = fn()
        timed.append((out.numel(), out.dtype))
        return 0.5

    roofline = harness.measure_roofline("cpu", timer=timer, copy_bytes=1 << 12, matmul_n=32)
    assert timed == [(1 << 12, torch.uint8), (32 * 32, torch.float16)]
    assert roofline == Roofline(bandwidth_gbps=2 * 4096 / 0.5e-3 / 1e9, tflops=2 * 32**3 / 0.5e-3 / 1e12)


def test_require_cuda_says_where_correctness_runs(monkeypatch):
    monkeypatch.setattr(harness, "cuda_available", lambda: False)
    with pytest.raises(
        CudaUnavailable, match=r"timings need a CUDA device; correctness runs on CPU with TRITON_INTERPRET=1"
    ):
        harness.require_cuda()
    monkeypatch.setattr(harness, "cuda_available", lambda: True)
    harness.require_cuda()


# Every benchmark's inputs, Triton launcher and torch equivalent, run for real on small CPU tensors in
# Triton's interpreter: the launchers call the kernels' real API and both sides compute the same thing.
_INTERPRETED = r"""
import sys, torch
from kernels import benchmarks
benchmarks.ROWS = 8
benchmarks.ATTN_BATCH, benchmarks.ATTN_HEADS = 1, 2
benchmarks.W8A16_K = benchmarks.W8A16_N = 64
benchmarks.W4A16_K, benchmarks.W4A16_N, benchmarks.W4A16_GROUP = 96, 40, 32
benchmarks.PA_SEQS, benchmarks.PA_HEADS, benchmarks.PA_KV_HEADS, benchmarks.PA_HEAD_DIM = 2, 4, 2, 16
benchmarks.PA_BLOCK = 4
sizes = {"vector_add": 1000, "int8_add": 1000, "softmax": 100, "layer_norm": 96, "rms_norm": 96, "matmul": 48,
         "matmul_naive": 8, "w8a16_matmul": 16, "w4a16_matmul": 5, "paged_attention": 10, "flash_attention": 64}
tolerance = {"int8_add": 0, "matmul": 2e-2, "matmul_naive": 2e-2, "w8a16_matmul": 3e-2, "w4a16_matmul": 3e-2,
             "flash_attention": 2e-2}
assert set(sizes) == set(benchmarks.BENCHMARKS), "a benchmark is not run here"
for name, size in sizes.items():
    case = benchmarks.BENCHMARKS[name].setup(size, "cpu")
    mine = case.triton()
    with case.torch_context():
        theirs = case.torch()
    assert mine.shape == theirs.shape and mine.dtype == theirs.dtype, (name, mine.shape, theirs.shape)
    atol = tolerance.get(name, 1e-2)
    if not torch.allclose(mine.float(), theirs.float(), atol=atol, rtol=atol):
        sys.exit(f"{name}: max difference {(mine.float() - theirs.float()).abs().max().item()}")
    print(name, "ok")
"""


def test_every_benchmark_runs_its_launchers_in_the_interpreter():
    env = {**os.environ, "TRITON_INTERPRET": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", _INTERPRETED],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.split().count("ok") == len(BENCHMARKS)


def test_paged_decode_inputs_scatter_every_block_once():
    torch = pytest.importorskip("torch")
    sizes = {"PA_SEQS": 3, "PA_HEADS": 4, "PA_KV_HEADS": 2, "PA_HEAD_DIM": 8, "PA_BLOCK": 4}
    with pytest.MonkeyPatch.context() as mp:
        for name, value in sizes.items():
            mp.setattr(benchmarks, name, value)
        q, k_cache, v_cache, tables, lens = benchmarks.paged_decode_inputs(10, "cpu")
        # 10 tokens in blocks of 4: 3 blocks per sequence, 9 in the cache, each owned by exactly one sequence
        assert tables.shape == (3, 3) and tables.dtype == torch.int32
        assert sorted(tables.flatten().tolist()) == list(range(9))
        assert k_cache.shape == v_cache.shape == (9, 4, 2, 8) and q.shape == (3, 4, 8)
        assert lens.tolist() == [10, 10, 10]
        # The torch side attends over exactly the 10 tokens: equal to SDPA on the gathered, trimmed K and V.
        out = benchmarks.paged_decode_torch(q.float(), k_cache.float(), v_cache.float(), tables, lens)
        k = k_cache.float()[tables.long()].reshape(3, 12, 2, 8)[:, :10].transpose(1, 2).repeat_interleave(2, dim=1)
        v = v_cache.float()[tables.long()].reshape(3, 12, 2, 8)[:, :10].transpose(1, 2).repeat_interleave(2, dim=1)
        scores = (q.float()[:, :, None] @ k.transpose(-1, -2)) / 8**0.5
        expected = (scores.softmax(-1) @ v)[:, :, 0]
        torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.gpu
@pytest.mark.parametrize(("name", "size"), [("w4a16_matmul", 16), ("paged_attention", 1024)])
def test_new_kernels_time_below_the_roofline_on_the_gpu(name, size):
    roofline = harness.measure_roofline()
    bench = BENCHMARKS[name]
    result = evaluate(bench, size, benchmarks.measure(bench, size), roofline)
    assert 0 < result.ms and 0 < result.torch_ms
    assert 0 < result.roofline_fraction < 1.2  # above the copy bandwidth / peak would mean wrong bytes or flops


@pytest.mark.gpu
def test_roofline_and_a_vector_add_point_on_the_gpu():
    roofline = harness.measure_roofline()
    assert 100 < roofline.bandwidth_gbps < 20_000 and 10 < roofline.tflops < 5_000
    bench = BENCHMARKS["vector_add"]
    m = benchmarks.measure(bench, 2**24)
    result = evaluate(bench, 2**24, m, roofline)
    assert 0 < result.ms and 0 < result.torch_ms
    assert 0.05 < result.roofline_fraction < 1.2  # a bandwidth above the copy's would mean a wrong byte count


def test_markdown_table_for_benchmarks_md():
    from benchmarks.bench_kernels import markdown

    bench = BENCHMARKS["matmul"]
    results = [
        evaluate(bench, 4096, Measurement(0.30, 0.26), ROOF),
        benchmarks.failed(bench, 8192, "out of memory at this size"),
    ]
    info = {"device": "Test GPU", "versions": {"torch": "2.t", "triton": "3.t", "cuda": "12.t", "python": "3.11"}}
    data = {**benchmarks.report(info, ROOF, results, [(bench, (4096, 8192))]), "command": "learn bench matmul --json"}
    text = markdown(json.loads(json.dumps(data)))
    assert "Device: Test GPU; torch 2.t, triton 3.t, CUDA 12.t" in text and "`learn bench matmul --json`" in text
    assert "copy 2,000 GB/s, float16 torch.matmul 500 TFLOP/s" in text
    assert "| matmul | 4096^3 | 0.3 | 458 TFLOP/s | 0.26 | 0.86x | 91% | MISSED: 0.86x (>= 0.9x torch.matmul) |" in text
    assert "| matmul | 8192^3 | — | — | — | — | — | failed: out of memory at this size |" in text
    assert text.endswith("Targets: 0 met, 1 missed.")
