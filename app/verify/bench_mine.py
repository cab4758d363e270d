"""`learn bench --mine`: the learner's own kernels, checked and then timed beside the references.

The kernel exercises are those whose checks need Triton (module 1.5 and the CUDA deliverables). Each
runs as `learn verify` runs it: the learner's workspace file in a sandboxed child, every check first
(compiled on CUDA, else in Triton's interpreter); only once they all pass does the child time the
learner's launcher, the reference kernel and PyTorch on the exercise's benchmark inputs
(app/verify/kernel_timing.py). This module picks the exercises and turns the reports into the rows of
`learn bench`'s table (GB/s or TFLOP/s, speedup over torch, fraction of the roofline) and the exit code.
UI-free: the CLI and the TUI call it.
"""

from __future__ import annotations

from typing import Any

from app.errors import LearnError

NO_CUDA_MINE = (
    "timing your kernels needs a CUDA device (none found); their correctness was checked with Triton's interpreter"
)
NONE_STARTED = "none of your kernel files exists yet: `learn start module-1.5` writes them (workspace/module-1.5/)"


def kernel_exercises() -> list:
    """Every exercise whose checks run a Triton kernel, in the catalog's order."""
    from app.verify import registry

    return [e for e in registry.listings() if "triton" in e.needs]


def select(names: list[str] | None) -> list:
    """The kernel exercises named (by id, or by the kernel's name: softmax for triton_softmax), in the
    order given; all of them when none is named. LearnError names an unknown one."""
    from app.errors import did_you_mean

    known = {e.id: e for e in kernel_exercises()}
    if not names:
        return list(known.values())
    chosen = []
    for name in names:
        key = name.strip().lower().replace("-", "_")
        exercise = known.get(key) or known.get(f"triton_{key}")
        if exercise is None:
            hint = did_you_mean(key, known) or did_you_mean(f"triton_{key}", known) or f"; yours: {', '.join(known)}"
            raise LearnError(f"no kernel exercise '{name}'{hint}")
        if exercise not in chosen:
            chosen.append(exercise)
    return chosen


def started(exercises: list) -> list:
    """Those whose file is in the workspace; LearnError when not one is."""
    from app.verify import registry

    found = [e for e in exercises if registry.learner_file(e).is_file()]
    if not found:
        raise LearnError(NONE_STARTED)
    return found


def row(report) -> dict[str, Any]:
    """One exercise's row: its checks, then its timing (None where there is none), as in `learn bench`."""
    timing = report.timing
    measured = timing is not None and timing.measured
    metric = ("TFLOP/s" if timing.tflops else "GB/s") if measured else None
    speedup = timing.speedup_vs_torch if measured else None
    return {
        "exercise": report.id,
        "file": report.file,
        "status": str(report.status),
        "checks_passed": report.checks_passed,
        "checks_total": report.checks_total,
        "timing": timing.status if timing else None,
        "device": timing.device if measured else None,
        "size": timing.size if measured else None,
        "ms": timing.ms.get("yours") if measured else None,
        "reference_ms": timing.ms.get("reference") if measured else None,
        "torch_ms": timing.ms.get("torch") if measured else None,
        "metric": metric,
        "throughput": (timing.tflops if metric == "TFLOP/s" else timing.gbps) if measured else None,
        "speedup": _number(speedup),
        "speedup_vs_reference": _number(timing.speedup_vs_reference) if measured else None,
        "roofline_fraction": timing.roofline_fraction if measured else None,
        "suspect": bool(timing.suspect) if measured else False,
        "message": timing.message if timing and report.passed else _why_untimed(report),
    }


def report(reports: list) -> dict[str, Any]:
    """The run as JSON: every row, whether anything was timed, and why not."""
    rows = [row(r) for r in reports]
    timed = [r for r in rows if r["timing"] == "measured"]
    no_cuda = any(r["timing"] == "no_cuda" for r in rows)
    return {
        "command": "learn bench --mine",
        "device": timed[0]["device"] if timed else None,
        "timed": bool(timed),
        "message": NO_CUDA_MINE if no_cuda and not timed else None,
        "rows": rows,
    }


def exit_code(reports: list) -> int:
    """1: a check failed (or a timing failed); 2: nothing could be timed for want of CUDA; else 0."""
    counted = [r for r in reports if str(r.status) != "missing"]
    if not counted or any(not r.passed for r in counted):
        return 1
    if any(r.timing is not None and r.timing.status == "error" for r in counted):
        return 1
    if any(r.timing is not None and r.timing.status == "no_cuda" for r in counted):
        return 2
    return 0


def _why_untimed(report) -> str:
    if str(report.status) == "missing":
        return report.error or "not started"
    if not report.passed:
        return "not timed: a check failed (timing follows correctness)"
    return "not timed: this exercise declares no benchmark"


def _number(value) -> float | None:
    """A speedup: "inf" (no measurable time) stays infinite, in JSON as null."""
    return value if isinstance(value, int | float) and value != float("inf") else None
