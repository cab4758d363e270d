"""`learn bench`: usage errors, the no-CUDA exit, and the table, plots and JSON from injected timings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import bench_cmds
from app.errors import LearnError
from kernels import benchmarks, harness
from kernels.benchmarks import BENCHMARKS, Measurement, evaluate
from kernels.harness import Roofline

REPO = Path(__file__).resolve().parent.parent
ROOF = Roofline(bandwidth_gbps=3000.0, tflops=700.0)
INFO = {
    "device": "Test GPU 80GB",
    "versions": {"torch": "2.test", "triton": "3.test", "cuda": "12.test", "python": "3.11"},
}


@pytest.fixture
def fake_gpu(monkeypatch):
    """A CUDA device that answers every point at 95% of the roofline, torch at 90%; returns the points measured."""
    measured = []

    def measure(bench, size):
        measured.append((bench.name, size))
        best = ROOF.best_ms(bench.nbytes(size), bench.flops(size))
        return Measurement(ms=best / 0.95, torch_ms=best / 0.90)

    monkeypatch.setattr(harness, "cuda_available", lambda: True)
    monkeypatch.setattr(harness, "device_info", lambda: INFO)
    monkeypatch.setattr(harness, "measure_roofline", lambda: ROOF)
    monkeypatch.setattr(benchmarks, "measure", measure)
    return measured


def test_without_cuda_it_says_so_and_exits_2(cli, monkeypatch):
    monkeypatch.setattr(harness, "cuda_available", lambda: False)
    result = cli("bench", "vector_add")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"learn: {bench_cmds.NO_CUDA}"]
    assert "timings need a CUDA device" in result.stderr and "learn verify module-1.5" in result.stderr


def test_this_machine_without_a_gpu_gets_the_same_answer(cli):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA device")
    result = cli("bench", "--json")
    assert result.exit_code == 2 and "timings need a CUDA device" in result.stderr and result.stdout == ""


def test_unknown_kernel_suggests_the_nearest_and_exits_2(cli, fake_gpu):
    result = cli("bench", "vectoradd")
    assert result.exit_code == 2
    assert result.stderr.strip() == "learn: no kernel 'vectoradd'; did you mean vector_add?"
    far = cli("bench", "conv2d")
    assert far.exit_code == 2 and "known: vector_add, int8_add, softmax" in far.stderr
    assert fake_gpu == []  # nothing measured


def test_unknown_kernel_is_reported_before_torch_is_imported():
    code = (
        "import sys\nfrom app.cli.main import app\ntry:\n    app(['bench', 'softmaxx'])\nexcept SystemExit as e:\n"
        "    print(e.code, 'torch' in sys.modules, file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert "did you mean softmax?" in proc.stderr and proc.stderr.strip().endswith("2 False")


@pytest.mark.parametrize(
    ("sizes", "message"), [("abc", "'abc' is not a size"), ("0", "0 is not positive"), (",", "no size given")]
)
def test_bad_sizes_exit_2(cli, fake_gpu, sizes, message):
    result = cli("bench", "vector_add", "--sizes", sizes)
    assert result.exit_code == 2 and message in result.stderr


def test_parse_sizes_reads_integers_and_powers_of_two():
    assert bench_cmds.parse_sizes("4096,65536") == (4096, 65536)
    assert bench_cmds.parse_sizes("2^12, 2^20,4096, 1_000") == (4096, 1048576, 1000)  # 4096 twice: once
    with pytest.raises(LearnError):
        bench_cmds.parse_sizes("2^x")


def test_select_takes_all_by_default_and_reads_hyphens():
    assert [b.name for b in bench_cmds.select(None)] == list(BENCHMARKS)
    assert [b.name for b in bench_cmds.select(["flash-attention", "matmul", "matmul"])] == ["flash_attention", "matmul"]


def test_json_has_device_versions_roofline_and_rows(cli, fake_gpu):
    data = cli.json("bench", "vector_add", "matmul", "--sizes", "1024,4096")
    assert fake_gpu == [("vector_add", 1024), ("vector_add", 4096), ("matmul", 1024), ("matmul", 4096)]
    assert data["device"] == "Test GPU 80GB"
    assert data["versions"] == INFO["versions"]
    assert data["roofline"] == {"bandwidth_gbps": 3000.0, "tflops": 700.0, "tflops_dtype": "float16"}
    assert data["command"] == "learn bench vector_add matmul --sizes 1024,4096"
    assert [(r["kernel"], r["size"], r["metric"]) for r in data["rows"]] == [
        ("vector_add", 1024, "GB/s"),
        ("vector_add", 4096, "GB/s"),
        ("matmul", 1024, "TFLOP/s"),
        ("matmul", 4096, "TFLOP/s"),
    ]
    row = data["rows"][3]
    assert set(row) == {
        "kernel",
        "size",
        "shape",
        "metric",
        "bytes",
        "flops",
        "ms",
        "torch_ms",
        "throughput",
        "torch_throughput",
        "speedup",
        "roofline_fraction",
        "targets",
        "met",
        "error",
    }
    assert row["shape"] == "4096^3" and row["flops"] == 2 * 4096**3
    assert row["roofline_fraction"] == pytest.approx(0.95) and row["speedup"] == pytest.approx(0.95 / 0.90)
    assert row["throughput"] == pytest.approx(0.95 * 700.0)
    assert row["targets"][0]["target"] == ">= 0.9x torch.matmul" and row["met"] is True
    assert data["rows"][0]["targets"] == [] and data["rows"][0]["met"] is None
    assert data["targets"] == {"met": 1, "missed": 0}
    assert [b["name"] for b in data["benchmarks"]] == ["vector_add", "matmul"]


def test_default_sweep_measures_every_kernel_at_its_sizes(cli, fake_gpu):
    data = cli.json("bench")
    assert len(data["rows"]) == sum(len(b.sizes) for b in BENCHMARKS.values()) == len(fake_gpu)
    assert data["targets"]["missed"] == 0  # 95% of the roofline and 1.06x torch meet every target
    assert data["targets"]["met"] == 2 + 2 + 2 * 2 * 3 + 1 + 1


def test_table_and_plot_from_injected_timings(cli, fake_gpu):
    result = cli("bench", "softmax", "matmul", "--sizes", "1024,4096,8192")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Test GPU 80GB" in out and "device copy 3,000 GB/s, float16 torch.matmul 700 TFLOP/s" in out
    for header in ("size", "ms", "GB/s", "TFLOP/s", "torch ms", "speedup", "roofline", "target"):
        assert header in out
    assert "4096x8192" in out and "4096^3" in out
    assert "✔ 0.95 BW (>= 0.85)" in out and "✔ 1.05x (>= 1.0x)" in out and "✔ 1.05x (>= 0.9x)" in out
    assert "95%" in out
    assert "softmax, GB/s:  ▚ triton   • torch.softmax" in out and "matmul, TFLOP/s:" in out
    assert "2^10" in out and "2^13" in out  # the log2 x axis
    assert "Targets: 5 met, 0 missed" in out


def test_a_failed_point_is_shown_and_exits_1(cli, fake_gpu, monkeypatch):
    measure = benchmarks.measure

    def out_of_memory(bench, size):
        if size == 8192:
            raise type("OutOfMemoryError", (RuntimeError,), {})("CUDA out of memory")
        return measure(bench, size)

    monkeypatch.setattr(benchmarks, "measure", out_of_memory)
    result = cli("bench", "matmul", "--sizes", "4096,8192")
    assert result.exit_code == 1
    assert "✘ out of memory at this size" in result.stdout
    data = json.loads(cli("bench", "matmul", "--sizes", "4096,8192", "--json").stdout)
    assert [r["error"] for r in data["rows"]] == [None, "out of memory at this size"]


def test_plot_needs_two_points_and_labels_powers_of_two():
    bench = BENCHMARKS["vector_add"]
    rows = [evaluate(bench, n, Measurement(n * 1e-6 + 0.005, n * 1.1e-6 + 0.005), ROOF) for n in bench.sizes]
    assert bench_cmds.throughput_plot(bench, rows[:1]) is None
    plot = bench_cmds.throughput_plot(bench, rows, width=72)
    lines = plot.splitlines()
    assert max(len(line) for line in lines) <= 72 and len(lines) == bench_cmds.PLOT_HEIGHT
    assert "2^12" in plot and "2^28" in plot and "elements (log2)" in plot
    assert "\x1b[" not in plot  # colorless by default: no escape codes into a pipe


def test_table_shows_misses_rounded_down():
    bench = BENCHMARKS["vector_add"]
    best = ROOF.best_ms(bench.nbytes(2**28), 0)
    missed = evaluate(bench, 2**28, Measurement(best / 0.8999, best), ROOF)  # 0.8999: shown as 0.89, not 0.90
    from rich.console import Console

    console = Console(width=100, record=True, color_system=None)
    console.print(bench_cmds.kernel_table(bench, [missed]))
    text = console.export_text()
    assert "✘ 0.89 BW (>= 0.90)" in text and "89%" in text


@pytest.mark.gpu
def test_vector_add_on_the_gpu_end_to_end():
    proc = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "bench", "vector_add", "--sizes", "1048576", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["device"] and data["versions"]["cuda"]
    assert data["roofline"]["bandwidth_gbps"] > 100 and data["roofline"]["tflops"] > 10
    (row,) = data["rows"]
    assert row["kernel"] == "vector_add" and row["size"] == 1048576 and row["error"] is None
    assert row["ms"] > 0 and row["torch_ms"] > 0 and 0 < row["roofline_fraction"] < 1.2
    assert row["throughput"] == pytest.approx(12 * 1048576 * 1e-9 / (row["ms"] * 1e-3))


def test_help_names_every_kernel_with_examples(cli):
    result = cli("bench", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for name in BENCHMARKS:
        assert name in text
    assert "learn bench vector_add --sizes 2^20,2^24" in result.stdout and "--json" in result.stdout
