"""The result of running one exercise: what `learn verify` prints, stores and returns as JSON.

Inside the app an ExerciseReport is typed (its cases, output, limits, timing and status are the
classes of results.py); `to_json()` writes it in this shape, stable (`learn verify --json` lists
them under "exercises"; the stored attempts keep it, compacted):

    {"id", "title", "module_id", "file", "impl": "learner" | "reference" | "wrong",
     "status": "passed" | "failed" | "error" | "timeout" | "crashed" | "spec_error" | "missing",
     "passed": bool, "checks_passed": int, "checks_total": int, "duration_ms": int,
     "started_at": ISO UTC, "source_hash": str | null,
     "error": str | null,                      one line: "timed out after 10 s in forward/large_logits"
     "error_detail": {"type", "message", "where", "traceback": [{"file", "line", "function", "code"}]} | null,
     "hints": [str],                           every hint of every failing check, deduplicated
     "checks": [{"index", "check", "case", "entry", "label", "detail", "seed", "note",
                 "inputs": [{"name", "shape", "dtype"} | {"name", "value"}],
                 "passed", "status": "passed" | "failed" | "error" | "timeout" | "not_run",
                 "message", "mismatch": {...} | null, "error": {...} | null, "hints": [str],
                 "mutated": [str], "duration_ms", "fresh": bool (a case drawn afresh from the run's seed)}],
     "output": {"stdout": str, "stderr": str, "stdout_bytes": int, "stderr_bytes": int, "truncated": bool},
     "limits": {"time_s": float, "memory_mb": int, "memory_enforced": bool},
     "seed": int | null,                       the run's seed: fresh cases ("fresh": true) were drawn from it
     "timing": null                            exercises without a benchmark; kernel exercises:
         {"status": "no_cuda" | "skipped" | "error", "message": str}  or, measured on a GPU,
         {"status": "measured", "device", "size", "entry", "ms": {"yours", "reference", "torch"},
          "speedup_vs_reference", "speedup_vs_torch", "gbps", "tflops" | null,
          "roofline": {"bandwidth_gbps", "tflops" | null, "tflops_dtype" | null}, "roofline_fraction" | null,
          "suspect": bool, "recheck": {"passed", "seed", "message"} | null, "message": str}}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.verify.results import CaseResult, Limits, Output, Status, Timing


def utc_now() -> str:
    """As app.progress.utc_now, without importing the database layer."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class ExerciseReport:
    id: str
    title: str
    module_id: str
    file: str
    impl: str = "learner"
    status: Status = Status.FAILED
    checks: list[CaseResult] = field(default_factory=list)
    duration_ms: int = 0
    started_at: str = ""
    source_hash: str | None = None
    error: str | None = None
    error_detail: dict | None = None  # the import error: {"type", "message", "where", "traceback"}
    extra_hints: list[str] = field(default_factory=list)
    output: Output = field(default_factory=Output)
    limits: Limits = field(default_factory=Limits)
    timing: Timing | None = None  # kernel exercises: GPU timings, or why there are none (kernel_timing.py)
    timing_budget_s: float = 0.0  # the extra time the runner gave the timing (0: none started)
    compile_budget_s: float = 0.0  # the extra time for compiling kernels on CUDA (0: not compiled)
    seed: int | None = None  # the run's seed: fresh cases were drawn from it (`learn verify ID --seed N` replays)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "status":  # "failed" from the runner is Status.FAILED; a status that is none raises
            value = Status(value)
        super().__setattr__(name, value)

    @property
    def passed(self) -> bool:
        return self.status == Status.PASSED

    @property
    def checks_passed(self) -> int:
        return sum(1 for c in self.checks if c.passed)

    @property
    def checks_total(self) -> int:
        return len(self.checks)

    @property
    def hints(self) -> list[str]:
        found = [*self.extra_hints, *(h for c in self.checks for h in c.hints)]
        return list(dict.fromkeys(found))

    @property
    def failures(self) -> list[CaseResult]:
        return [c for c in self.checks if not c.passed]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "module_id": self.module_id,
            "file": self.file,
            "impl": self.impl,
            "status": str(self.status),
            "passed": self.passed,
            "checks_passed": self.checks_passed,
            "checks_total": self.checks_total,
            "duration_ms": self.duration_ms,
            "started_at": self.started_at,
            "source_hash": self.source_hash,
            "error": self.error,
            "error_detail": self.error_detail,
            "hints": self.hints,
            "checks": [c.to_json() for c in self.checks],
            "output": self.output.to_json(),
            "limits": self.limits.to_json(),
            "timing": self.timing.to_json() if self.timing else None,
            "seed": self.seed,
        }

    @property
    def replay(self) -> str | None:
        """'seed 48213: re-run with `learn verify ID --seed 48213`' when a case drawn afresh on this run failed."""
        from app.verify.seeds import replay

        fresh = any(c.fresh for c in self.failures)
        return replay(self.id, self.seed) if fresh and self.seed is not None else None


def summary(reports: list[ExerciseReport]) -> dict[str, int]:
    return {
        "exercises": len(reports),
        "exercises_passed": sum(r.passed for r in reports),
        "checks": sum(r.checks_total for r in reports),
        "checks_passed": sum(r.checks_passed for r in reports),
        "not_started": sum(r.status == "missing" for r in reports),
    }
