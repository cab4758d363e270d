"""`learn bench --mine`: the learner's kernel files picked, checked as verify checks them, then timed;
the no-CUDA answer on this machine, and the table and JSON from injected timings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.console import Console

from app.cli import bench_cmds
from app.errors import LearnError
from app.verify import bench_mine, kernel_timing, registry
from app.verify.report import ExerciseReport
from app.verify.results import CaseResult, Timing

REPO = Path(__file__).resolve().parent.parent
SOFTMAX_ALTERNATIVE = REPO / "reference_impls" / "alternatives" / "triton_softmax" / "row_loop.py"


def _write(exercise_id: str, source: Path | str) -> Path:
    (exercise,) = [e for e in registry.listings() if e.id == exercise_id]
    path = registry.learner_file(exercise)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, Path):
        shutil.copy(source, path)
    else:
        path.write_text(source, encoding="utf-8")
    return path


def _report(exercise_id: str, *, passed: bool = True, timing: dict | None = None) -> ExerciseReport:
    report = ExerciseReport(exercise_id, exercise_id, "1.5", f"workspace/module-1.5/{exercise_id}.py")
    report.checks = [CaseResult(index=0, passed=passed, status="passed" if passed else "failed")]
    report.status = "passed" if passed else "failed"
    report.timing = Timing.from_json(timing) if timing else None
    return report


def _measured(yours: float, nbytes: float, flops: float = 0.0) -> dict:
    """A timing as the child reports it, its figures computed by kernel_timing.summarize (the real math)."""
    peak = {"bandwidth_gbps": 3000.0, "tflops": 700.0 if flops else None, "tflops_dtype": "float16" if flops else None}
    ms = {"yours": yours, "reference": yours * 1.1, "torch": yours * 1.2}
    return (
        {"status": "measured", "device": "Test GPU 80GB", "size": "2^24 float32", "entry": "f"}
        | (kernel_timing.summarize(ms, nbytes, flops, peak))
        | {"message": "figures"}
    )


def test_selection_takes_kernel_exercises_by_id_or_kernel_name():
    every = bench_mine.select(None)
    assert every and all("triton" in e.needs for e in every)
    assert {"triton_vector_add", "triton_softmax", "triton_matmul"} <= {e.id for e in every}
    assert [e.id for e in bench_mine.select(["softmax", "triton_softmax", "vector-add"])] == [
        "triton_softmax",
        "triton_vector_add",
    ]
    with pytest.raises(LearnError, match="no kernel exercise 'softmaxx'; did you mean triton_softmax"):
        bench_mine.select(["softmaxx"])
    with pytest.raises(LearnError, match="no kernel exercise 'softmax_torch'"):
        bench_mine.select(["softmax_torch"])  # an exercise, but not a kernel's


def test_only_the_learners_files_that_exist_are_run():
    chosen = bench_mine.select(["softmax", "vector_add"])
    with pytest.raises(LearnError, match="none of your kernel files exists yet: `learn start module-1.5`"):
        bench_mine.started(chosen)
    _write("triton_vector_add", "# mine\n")
    assert [e.id for e in bench_mine.started(chosen)] == ["triton_vector_add"]


def test_usage_errors_exit_2_before_anything_runs(cli):
    result = cli("bench", "--mine")
    assert result.exit_code == 2 and "none of your kernel files exists yet" in result.stderr
    result = cli("bench", "--mine", "softmaxx")
    assert result.exit_code == 2 and "did you mean triton_softmax?" in result.stderr
    result = cli("bench", "--mine", "--sizes", "4096")
    assert result.exit_code == 2 and "--mine times yours at their exercise's size" in result.stderr


def test_without_cuda_your_kernels_are_checked_and_it_says_timing_needs_a_gpu(cli):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA device")
    _write("triton_softmax", SOFTMAX_ALTERNATIVE)
    result = cli("bench", "--mine", "softmax", "--json")
    assert result.exit_code == 2, result.output
    import json

    data = json.loads(result.stdout)
    (row,) = data["rows"]
    assert row["exercise"] == "triton_softmax" and row["status"] == "passed"
    assert row["checks_passed"] == row["checks_total"] > 0
    assert row["timing"] == "no_cuda" and row["ms"] is None
    assert data["timed"] is False and data["message"] == bench_mine.NO_CUDA_MINE
    human = cli("bench", "--mine", "softmax")
    assert human.exit_code == 2
    assert "✔ triton_softmax" in human.stdout and "needs a CUDA device" in " ".join(human.stdout.split())


def test_a_failing_kernel_exits_1_and_is_not_timed(cli):
    _write("triton_vector_add", REPO / "reference_impls" / "wrong" / "triton_vector_add" / "missing_mask.py")
    result = cli("bench", "--mine", "vector_add", "--json")
    assert result.exit_code == 1, result.output
    import json

    (row,) = json.loads(result.stdout)["rows"]
    assert row["status"] == "failed" and row["ms"] is None
    assert row["message"] == "not timed: a check failed (timing follows correctness)"


def test_rows_and_table_from_injected_timings():
    reports = [
        _report("triton_vector_add", timing=_measured(0.1, nbytes=12 * 2**24)),
        _report("triton_matmul", timing=_measured(0.5, nbytes=6 * 4096**2, flops=2 * 4096**3)),
        _report("triton_softmax", passed=False),
    ]
    data = bench_mine.report(reports)
    assert data["timed"] is True and data["device"] == "Test GPU 80GB" and data["message"] is None
    add, matmul, softmax = data["rows"]
    assert add["metric"] == "GB/s" and add["throughput"] == pytest.approx(12 * 2**24 / 0.1e-3 / 1e9)
    assert add["speedup"] == pytest.approx(1.2) and add["speedup_vs_reference"] == pytest.approx(1.1)
    assert add["roofline_fraction"] == pytest.approx(12 * 2**24 / 3000e9 / 0.1e-3)
    assert matmul["metric"] == "TFLOP/s" and matmul["throughput"] == pytest.approx(2 * 4096**3 / 0.5e-3 / 1e12)
    assert softmax["timing"] is None and softmax["ms"] is None
    assert bench_mine.exit_code(reports) == 1  # a failed check
    assert bench_mine.exit_code(reports[:2]) == 0
    assert bench_mine.exit_code([_report("triton_softmax", timing={"status": "no_cuda", "message": "x"})]) == 2

    console = Console(width=120, record=True, color_system=None)
    console.print(bench_cmds.mine_table(data["rows"]))
    text = console.export_text()
    for header in ("kernel", "size", "ms", "throughput", "torch ms", "speedup", "vs ref", "roofline"):
        assert header in text
    assert "vector_add" in text and "2^24 float32" in text and "1.20x" in text and "1.10x" in text
    assert f"{add['throughput']:,.0f} GB/s" in text and "TFLOP/s" in text
    assert f"{int(add['roofline_fraction'] * 100)}%" in text
    assert "softmax" in text  # a row of dashes; why it was not timed is printed under the table


def test_the_cli_prints_measured_timings_and_exits_0(cli, monkeypatch):
    import app.study.verify as study_verify

    _write("triton_vector_add", "# mine\n")
    measured = _report("triton_vector_add", timing=_measured(0.1, nbytes=12 * 2**24))

    def fake_verify(exercises, store, **kwargs):
        assert [e.id for e in exercises] == ["triton_vector_add"] and kwargs["skip_missing"]
        return study_verify.VerifyRun([measured], skip_missing=True)

    monkeypatch.setattr(study_verify, "verify", fake_verify)
    monkeypatch.setattr(study_verify, "warm_up", lambda: None)
    result = cli("bench", "--mine")
    assert result.exit_code == 0, result.output
    assert "Test GPU 80GB" in result.stdout and "your kernels" in result.stdout and "GB/s" in result.stdout
    assert "1.20x" in result.stdout and "1.10x" in result.stdout
    data = cli.json("bench", "--mine")
    assert data["rows"][0]["speedup"] == pytest.approx(1.2)
