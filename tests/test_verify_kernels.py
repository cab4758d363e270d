"""The Triton kernel exercises (module 1.5 and the CUDA deliverables) as the engine runs them.

Without a GPU the kernels run in Triton's interpreter and `learn verify` says once that timings need
CUDA; the GPU timing logic (the suspect-speedup rule, the re-check on fresh inputs, the roofline
cache, the rendering) is driven here with an injected timer on CPU tensors. The `gpu`-marked tests
at the end run the real thing and are skipped without CUDA (tests/conftest.py).

The registry's own test (tests/test_verify_registry.py) runs every exercise's scaffold, reference and
known-wrong kernels; this file covers what is particular to kernels.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import json
import os
import sqlite3
from pathlib import Path

import pytest
import torch

CUDA = torch.cuda.is_available()
if not CUDA:  # in this process too (the in-process tests below), before any kernel module is imported
    os.environ["TRITON_INTERPRET"] = "1"

from app.verify import kernel_timing, registry  # noqa: E402 - after TRITON_INTERPRET is set
from app.verify.report import ExerciseReport  # noqa: E402 - after TRITON_INTERPRET is set
from app.verify.runner import Job, _conclude, _hooks, _on, run_job  # noqa: E402 - after TRITON_INTERPRET is set

FIXTURES = Path(__file__).parent / "fixtures" / "kernels"
KERNEL_EXERCISES = {
    "triton_vector_add",
    "triton_int8_add",
    "triton_softmax",
    "triton_matmul",
    "triton_flash_attention",
    "triton_paged_attention",
    "triton_w8a16_matmul",
    "triton_w4a16_matmul",
}
VECTOR_ADD_ITEMS = [
    "1.5/kernels",
    "1.5/thread-hierarchy",
    "1.5/launch-syntax",
    "1.5/host-device-model",
    "iv-deliverables/cuda-vector-add",
]


def _exercise(exercise_id: str):
    return next(e for e in registry.exercises() if e.id == exercise_id)


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _statuses(learn_home: Path, items: list[str]) -> dict[str, str]:
    with sqlite3.connect(learn_home / "learn.db") as conn:
        rows = dict(conn.execute("SELECT item_id, status FROM progress").fetchall())
    return {item: rows.get(item, "todo") for item in items}


# -- the module, as a learner meets it ----------------------------------------------------------------


def test_module_1_5_and_the_deliverables_list_the_kernel_exercises():
    assert {e.id for e in registry.find("module-1.5")} == KERNEL_EXERCISES
    deliverables = {e.id for e in registry.find("iv-deliverables")}
    assert {"triton_vector_add", "triton_softmax", "triton_matmul"} <= deliverables
    assert "triton_int8_add" not in deliverables
    for exercise_id in KERNEL_EXERCISES:
        assert _exercise(exercise_id).file.startswith("module-1.5/")
    wrong = {w.name: w for w in registry.wrong_solutions(_exercise("triton_vector_add"))}
    assert "caching allocator" in wrong["missing_mask"].interpreter_only  # skipped where kernels run compiled
    assert wrong["floor_grid"].interpreter_only is None


def test_start_writes_kernel_skeletons_that_import_and_fail_as_not_implemented(cli, tmp_path):
    result = cli("start", "module-1.5")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "workspace" / "module-1.5"
    assert sorted(p.stem for p in folder.glob("*.py")) == sorted(KERNEL_EXERCISES)
    text = (folder / "triton_vector_add.py").read_text(encoding="utf-8")
    for expected in (
        "import triton.language as tl",
        "@triton.jit",
        "def vector_add_kernel(",
        "BLOCK_SIZE: tl.constexpr",
        "def vector_add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:",
        "triton.cdiv(n, BLOCK_SIZE)",
    ):
        assert expected in text
    for path in folder.glob("*.py"):
        module = _load(path, f"skeleton_{path.stem}")
        kernels = [v for v in vars(module).values() if type(v).__name__ in ("JITFunction", "InterpretedFunction")]
        assert len(kernels) == 1, path.name  # the skeleton's @triton.jit kernel
    with pytest.raises(NotImplementedError):
        module = _load(folder / "triton_vector_add.py", "skeleton_again")
        module.vector_add(torch.ones(3), torch.ones(3))


def test_the_child_sets_triton_interpret_before_the_learner_file_is_imported(tmp_path):
    path = tmp_path / "triton_vector_add.py"
    path.write_text(
        "import os\nprint('TRITON_INTERPRET=' + os.environ.get('TRITON_INTERPRET', ''))\n"
        + (FIXTURES / "vector_add_solution.py").read_text(encoding="utf-8")
        + "\nprint('KERNEL=' + type(vector_add_kernel).__name__)\n",
        encoding="utf-8",
    )
    report = run_job(Job(_exercise("triton_vector_add"), str(path)))
    assert report.passed, (report.error, [c.message for c in report.failures])
    if CUDA:
        assert "KERNEL=JITFunction" in report.output.stdout
        assert report.limits.memory_enforced is False  # no RLIMIT_AS beside a CUDA context
    else:
        assert "TRITON_INTERPRET=1" in report.output.stdout
        assert "KERNEL=InterpretedFunction" in report.output.stdout
        assert report.timing.to_json() == {"status": "no_cuda", "message": kernel_timing.NO_CUDA}


def test_outputs_a_kernel_never_stores_read_as_nan_without_importing_inductor():
    """torch.empty is NaN-filled (integers: their maximum) while a kernel check runs, so a skipped store is
    wrong rather than the previous case's identical result; setting that mode must not import
    torch._inductor (torch.use_deterministic_algorithms does: 1.3 s of every kernel exercise's run)."""
    import subprocess
    import sys

    code = (
        "import sys, torch; from reference_impls.exercises._triton import uninitialized_as_nan\n"
        "with uninitialized_as_nan(): a, b = torch.empty(3), torch.empty(2, dtype=torch.int32)\n"
        "print(bool(a.isnan().all()), b.tolist(), torch.are_deterministic_algorithms_enabled(), 'torch._inductor' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent.parent, capture_output=True, text=True)
    assert out.stdout.split() == ["True", "[2147483647,", "2147483647]", "False", "False"], out.stderr[-500:]


def test_a_launcher_that_computes_with_torch_fails_and_is_told_to_launch_a_kernel(tmp_path):
    report = run_job(Job(_exercise("triton_vector_add"), str(FIXTURES / "torch_only_vector_add.py")))
    assert report.status == "failed" and report.checks_passed == 0
    assert "launched no @triton.jit kernel of your file" in report.checks[0].message
    assert any("launch it from the launcher" in h for h in report.hints)


@pytest.mark.skipif(CUDA, reason="the interpreter's bounds check")
def test_an_unmasked_load_is_reported_at_the_learners_line_not_as_a_missing_output():
    """The bounds check raises from inside the learner's kernel (its code lives in app/verify/sandbox, a
    folder of the checker's): the report is the learner's error, where it happened, not "output is None"."""
    wrong = next(w for w in registry.wrong_solutions(_exercise("triton_vector_add")) if w.name == "missing_mask")
    report = run_job(Job(_exercise("triton_vector_add"), str(wrong.path)))
    first = report.checks[0]
    assert first.status == "error", first.message
    assert first.message.startswith("OutOfBounds: out of bounds load in `vector_add_kernel`"), first.message
    assert first.message.endswith(f"at {wrong.path.name}:18"), first.message
    assert "None" not in first.message


@pytest.mark.skipif(CUDA, reason="the no-CUDA path")
def test_verify_says_once_that_timings_need_cuda_and_ticks_items(cli, learn_home, tmp_path):
    assert cli("start", "module-1.5").exit_code == 0
    workspace = tmp_path / "workspace" / "module-1.5"
    (workspace / "triton_vector_add.py").write_text(
        (FIXTURES / "vector_add_solution.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = cli("verify", "triton_vector_add")
    assert result.exit_code == 0, result.output
    assert result.stdout.count(kernel_timing.NO_CUDA) == 1
    assert "GPU timings" not in result.stdout
    assert _statuses(learn_home, VECTOR_ADD_ITEMS) == dict.fromkeys(VECTOR_ADD_ITEMS, "done")

    # --json: the same, per exercise; the stored attempts keep it too.
    result = cli("verify", "triton_vector_add", "--json")
    data = json.loads(result.stdout)
    assert data["exercises"][0]["timing"] == {"status": "no_cuda", "message": kernel_timing.NO_CUDA}
    with sqlite3.connect(learn_home / "learn.db") as conn:
        details = [json.loads(d) for (d,) in conn.execute("SELECT details FROM verify_attempt")]
    assert all(d["timing"]["status"] == "no_cuda" for d in details)


# -- the timing logic, with an injected timer ---------------------------------------------------------


def test_the_suspect_rule_is_a_speedup_over_ten_times_the_reference():
    assert kernel_timing.is_suspect(10.5) and not kernel_timing.is_suspect(10.0) and not kernel_timing.is_suspect(0.5)
    result = kernel_timing.summarize(
        {"yours": 0.05, "reference": 1.0, "torch": 0.1},
        nbytes=3e8,
        flops=0,
        peak={"bandwidth_gbps": 3000.0, "tflops": None, "tflops_dtype": None},
    )
    assert result["suspect"] and result["speedup_vs_reference"] == pytest.approx(20)
    assert result["speedup_vs_torch"] == pytest.approx(2)
    assert result["gbps"] == pytest.approx(6000)
    assert result["roofline_fraction"] == pytest.approx(2.0)  # faster than the copy bandwidth: impossible, and flagged
    honest = kernel_timing.summarize(
        {"yours": 0.2, "reference": 0.25, "torch": 0.2}, nbytes=3e8, flops=0, peak={"bandwidth_gbps": 3000.0}
    )
    assert not honest["suspect"] and honest["roofline_fraction"] == pytest.approx(0.5)


def test_the_compute_roofline_counts_for_kernels_that_declare_flops():
    result = kernel_timing.summarize(
        {"yours": 2.0, "reference": 4.0, "torch": 0.02},
        nbytes=6e6,
        flops=2e9,
        peak={"bandwidth_gbps": 3000.0, "tflops": 500.0, "tflops_dtype": "float16"},
    )
    assert result["tflops"] == pytest.approx(1.0)
    assert result["roofline_fraction"] == pytest.approx((2e9 * 1e-12 / 500 * 1e3) / 2.0)  # compute-bound here
    assert not result["suspect"]


def _timed(exercise_id: str, impl, ms: dict[str, float]) -> dict:
    """kernel_timing.measure on CPU tensors (the interpreter), with a fake timer giving `ms` in turn."""
    exercise = _exercise(exercise_id)

    def small_inputs(device, seed):
        g = torch.Generator().manual_seed(seed)
        return torch.randn(4097, generator=g), torch.randn(4097, generator=g)

    exercise = dataclasses.replace(exercise, benchmark=dataclasses.replace(exercise.benchmark, inputs=small_inputs))
    times = iter([ms["yours"], ms["reference"], ms["torch"]])
    reference = importlib.import_module(exercise.reference)
    return kernel_timing.measure(
        exercise,
        impl,
        reference,
        device="cpu",
        timer=lambda fn: (fn(), next(times))[1],
        peak=lambda dtype: {"bandwidth_gbps": 100.0, "tflops": None, "tflops_dtype": None},
        lock=contextlib.nullcontext,
    )


@pytest.mark.skipif(CUDA, reason="drives the interpreter in this process")
def test_a_suspect_speedup_is_rechecked_with_fresh_inputs():
    honest = _timed(
        "triton_vector_add",
        _load(FIXTURES / "vector_add_solution.py", "honest"),
        {"yours": 0.01, "reference": 0.5, "torch": 0.4},
    )
    assert honest["suspect"] and honest["recheck"]["passed"] and honest["recheck"]["seed"] == 61101
    assert kernel_timing.recheck_failure(honest) is None
    assert "correct on fresh inputs" in honest["message"]

    cheat = _timed(
        "triton_vector_add",
        _load(FIXTURES / "vector_add_cached.py", "cheat"),
        {"yours": 0.01, "reference": 0.5, "torch": 0.4},
    )
    assert cheat["suspect"] and cheat["recheck"]["passed"] is False
    assert "elements differ" in cheat["recheck"]["message"]
    assert "50x faster than the reference, and wrong on fresh inputs" in kernel_timing.recheck_failure(cheat)

    normal = _timed(
        "triton_vector_add",
        _load(FIXTURES / "vector_add_solution.py", "normal"),
        {"yours": 0.5, "reference": 0.5, "torch": 0.4},
    )
    assert not normal["suspect"] and normal["recheck"] is None
    assert normal["ms"] == {"yours": 0.5, "reference": 0.5, "torch": 0.4}
    assert json.dumps(normal)  # JSON-ready as the child sends it


def test_a_failed_recheck_fails_the_exercise_in_the_runner():
    report = ExerciseReport(id="triton_vector_add", title="t", module_id="1.5", file="f.py")
    timing = {
        "status": "measured",
        "suspect": True,
        "speedup_vs_reference": 40.0,
        "recheck": {"passed": False, "seed": 7, "message": "output: 4097 of 4097 elements differ"},
    }
    events = [
        {
            "event": "plan",
            "cases": [{"index": 0, "check": "c", "case": "x", "label": "c/x", "detail": ""}],
            "kernel_mode": "cuda",
        },
        {"event": "case", "result": {"index": 0, "label": "c/x", "passed": True, "status": "passed"}},
        {"event": "timing_start"},
        {"event": "timing", "result": timing},
        {"event": "done"},
    ]
    deadline = [0.0]
    hooks = _hooks(registry.find("triton_vector_add")[0])  # the GPU timing policy: a hook of the runner's
    _on(report, [], events[0], None, deadline, hooks)
    assert deadline == [kernel_timing.COMPILE_BUDGET_S]  # compiled kernels: first launches compile
    for event in events[1:]:
        _on(report, [], event, None, deadline, hooks)
    assert deadline[0] > kernel_timing.COMPILE_BUDGET_S and report.timing_budget_s == kernel_timing.TIMING_BUDGET_S
    _conclude(report, events, 0, False, 10.0, 2048, hooks)
    assert report.status == "failed"
    assert report.error.startswith("suspect: 40x faster than the reference, and wrong on fresh inputs (seed 7)")

    report.timing.recheck = {"passed": True, "seed": 7, "message": None}
    _conclude(report, events, 0, False, 10.0, 2048, hooks)
    assert report.status == "passed" and report.error is None

    # The generic runner has no GPU policy: a NumPy exercise's deadline is its own.
    plain, deadline = ExerciseReport(id="softmax", title="s", module_id="0.2", file="f.py"), [0.0]
    _on(plain, [], events[0], None, deadline, _hooks(registry.find("softmax")[0]))
    assert deadline == [0.0] and plain.compile_budget_s == 0


def test_the_roofline_is_measured_once_and_reused(tmp_path):
    calls = []

    def bandwidth():
        calls.append("copy")
        return 3000.0

    def tflops(dtype):
        calls.append(dtype)
        return 700.0

    path = tmp_path / "roofline.json"
    first = kernel_timing.roofline(
        "H100", None, measure_bandwidth=bandwidth, measure_tflops=tflops, path=path, now=100.0
    )
    again = kernel_timing.roofline(
        "H100", "float16", measure_bandwidth=bandwidth, measure_tflops=tflops, path=path, now=200.0
    )
    cached = kernel_timing.roofline(
        "H100", "float16", measure_bandwidth=bandwidth, measure_tflops=tflops, path=path, now=300.0
    )
    assert first == {"bandwidth_gbps": 3000.0, "tflops": None, "tflops_dtype": None}
    assert again == cached == {"bandwidth_gbps": 3000.0, "tflops": 700.0, "tflops_dtype": "float16"}
    assert calls == ["copy", "float16"]
    kernel_timing.roofline(
        "H100",
        None,
        measure_bandwidth=bandwidth,
        measure_tflops=tflops,
        path=path,
        now=100.0 + kernel_timing.ROOFLINE_TTL_S + 1,
    )
    assert calls == ["copy", "float16", "copy"]  # stale: measured again


def test_the_gpu_lock_lets_one_timing_section_in_at_a_time(tmp_path):
    fcntl = pytest.importorskip("fcntl")
    path = tmp_path / "gpu.lock"
    with kernel_timing.gpu_lock(path), open(path) as other, pytest.raises(BlockingIOError):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(path) as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released


def test_the_report_renders_timings_and_flags_a_suspect_speedup():
    from rich.console import Console

    from app.cli.verify_cmds import _print_reports
    from app.verify.results import CaseResult, Timing

    def report(exercise_id: str, timing: dict) -> ExerciseReport:
        return ExerciseReport(
            id=exercise_id,
            title="t",
            module_id="1.5",
            file=f"{exercise_id}.py",
            status="passed",
            checks=[CaseResult(0, passed=True, status="passed")],
            timing=Timing.from_json(timing) if timing else None,
        )

    measured = {
        "status": "measured",
        "device": "NVIDIA H100",
        "size": "2^24 float32",
        "ms": {"yours": 0.061, "reference": 0.06, "torch": 0.059},
        "speedup_vs_reference": 0.98,
        "speedup_vs_torch": 0.97,
        "gbps": 3300.0,
        "tflops": None,
        "roofline_fraction": 0.91,
        "suspect": False,
        "recheck": None,
        "message": "",
    }
    suspect = {
        **measured,
        "ms": {"yours": 0.004, "reference": 0.06, "torch": 0.059},
        "speedup_vs_reference": 15.0,
        "speedup_vs_torch": "inf",
        "suspect": True,
        "recheck": {"passed": True, "seed": 1, "message": None},
        "message": "0.004 ms ...; suspect: over 10x faster than the reference, re-checked (seed 1): correct on fresh inputs",
    }
    console = Console(record=True, width=200)
    _print_reports(console, [report("triton_vector_add", measured), report("triton_softmax", suspect)], None, False)
    text = console.export_text()
    assert "GPU timings (NVIDIA H100" in text
    assert "3300 GB/s" in text and "91%" in text and "0.98x" in text
    assert "15.00x suspect" in text and "re-checked (seed 1): correct on fresh inputs" in text

    console = Console(record=True, width=200)
    no_cuda = {"status": "no_cuda", "message": kernel_timing.NO_CUDA}
    _print_reports(console, [report("a", no_cuda), report("b", dict(no_cuda)), report("c", None)], None, False)
    assert console.export_text().count(kernel_timing.NO_CUDA) == 1


# -- on a GPU --------------------------------------------------------------------------------------------


@pytest.mark.gpu
def test_reference_kernels_are_timed_on_a_gpu(cli):
    result = cli("verify", "--reference", "module-1.5", "--json")
    assert result.exit_code == 0, result.output
    for exercise in json.loads(result.stdout)["exercises"]:
        timing = exercise["timing"]
        assert timing["status"] == "measured", (exercise["id"], timing)
        assert 0.3 < timing["speedup_vs_reference"] < 3  # the reference against itself
        assert 0 < timing["roofline_fraction"] <= 1.2
        assert not timing["suspect"] and exercise["limits"]["memory_enforced"] is False


@pytest.mark.gpu
def test_a_cached_answer_is_suspect_on_a_gpu_and_fails_its_recheck():
    report = run_job(Job(_exercise("triton_vector_add"), str(FIXTURES / "vector_add_cached.py")))
    assert report.timing.status == "measured" and report.timing.suspect, report.timing
    assert report.timing.recheck["passed"] is False
    assert report.status == "failed" and report.error.startswith("suspect:")


def test_every_benchmarked_exercise_needs_triton():
    """The runner picks the GPU timing policy from a catalog listing, which knows `needs`, not `benchmark`."""
    from app.verify import registry

    benchmarked = [e for e in registry.exercises() if e.benchmark is not None]
    assert benchmarked and all("triton" in e.needs for e in benchmarked)
