"""The typed parts of a verify report: a case's result, a kernel's GPU timing, the captured output,
the limits, and the statuses. Inside the app they are attributes; JSON only at the edges: the child
sends a case or a timing as a JSON line (`from_json`), `learn verify --json` and the stored attempt
write them back (`to_json`) with the keys they came with, in the same order, so the JSON shapes of
report.py's docstring stay exactly as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, ClassVar


class Status(StrEnum):
    """An exercise's result. A str: `report.status == "missing"` and the JSON stay plain strings."""

    PASSED = "passed"
    FAILED = "failed"  # a check's output was wrong
    ERROR = "error"  # the learner's file did not import
    TIMEOUT = "timeout"
    CRASHED = "crashed"  # killed by a signal, or exited before the checks were done
    SPEC_ERROR = "spec_error"  # the exercise itself is broken (reference_impls)
    MISSING = "missing"  # no file in the workspace yet


class CaseStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the learner's function raised
    TIMEOUT = "timeout"  # the case that was running when the time ran out
    NOT_RUN = "not_run"


class _FromJson:
    """A dataclass read from a JSON object and written back with the same keys in the same order;
    keys it does not know (a newer child's) are kept as they came."""

    _keys: tuple[str, ...]
    extra: dict[str, Any]

    @classmethod
    def from_json(cls, data: dict[str, Any]):
        known = {f.name for f in fields(cls) if not f.name.startswith("_") and f.name != "extra"}
        made = cls(
            **{k: v for k, v in data.items() if k in known}, extra={k: v for k, v in data.items() if k not in known}
        )
        made._keys = tuple(data)
        return made

    def to_json(self) -> dict[str, Any]:
        keys = self._keys or self._default_keys()
        return {key: self.extra[key] if key in self.extra else _plain(getattr(self, key)) for key in keys}

    def _default_keys(self) -> tuple[str, ...]:
        """The keys of one made in the app rather than read: every field."""
        return tuple(f.name for f in fields(self) if not f.name.startswith("_") and f.name != "extra")


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, StrEnum) else value


@dataclass
class CaseResult(_FromJson):
    """One case of one check: what it ran on, whether it passed, and why not."""

    index: int
    check: str = ""  # the check's name: "forward", "backward", ...
    case: str = ""
    label: str = ""  # "forward/large_logits"
    detail: str = ""  # the inputs in a few words: "(4, 10) float32"
    entry: str = ""  # the learner's function or class it calls
    seed: int | None = None
    note: str = ""
    inputs: list[dict[str, Any]] = field(default_factory=list)
    passed: bool = False
    status: CaseStatus = CaseStatus.NOT_RUN
    message: str = "not run"
    mismatch: dict[str, Any] | None = None  # compare.Mismatch.to_json(): indices, expected and actual values
    error: dict[str, Any] | None = None  # {"type", "message", "where", "traceback": [{"file", "line", ...}]}
    hints: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)  # inputs the learner's code modified in place
    duration_ms: float = 0
    fresh: bool = False  # drawn afresh from the run's seed (grid(..., fresh=N)): `--seed` replays it
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    _keys: tuple[str, ...] = field(default=(), repr=False, compare=False)

    # The order of a planned case that has not reported yet (the runner's placeholder).
    NOT_RUN_KEYS: ClassVar[tuple[str, ...]] = (
        "index",
        "check",
        "case",
        "label",
        "detail",
        "entry",
        "seed",
        "note",
        "inputs",
        "passed",
        "status",
        "message",
        "mismatch",
        "error",
        "hints",
        "mutated",
        "duration_ms",
        "fresh",
    )

    def __post_init__(self) -> None:
        self.status = CaseStatus(self.status)

    def _default_keys(self) -> tuple[str, ...]:
        return self.NOT_RUN_KEYS

    @classmethod
    def not_run(cls, planned: dict[str, Any]) -> CaseResult:
        """A case of the child's plan ({"index", "check", "case", "label", "detail"}) before its result."""
        made = cls(**{k: planned[k] for k in ("index", "check", "case", "label")}, detail=planned.get("detail", ""))
        made._keys = cls.NOT_RUN_KEYS
        return made

    def stop(self, status: CaseStatus, message: str) -> None:
        """The case ended without a result of its own (a timeout, a crash, a file that did not import)."""
        self.status, self.message = CaseStatus(status), message


@dataclass
class Timing(_FromJson):
    """A kernel exercise's GPU timing (app/verify/kernel_timing.py): measured, or why not."""

    status: str  # "measured" | "no_cuda" | "skipped" | "error"
    device: str | None = None
    size: str | None = None
    entry: str | None = None
    ms: dict[str, float] = field(default_factory=dict)  # median ms: {"yours", "reference", "torch"}
    speedup_vs_reference: float | str | None = None  # "inf" when yours took no measurable time
    speedup_vs_torch: float | str | None = None
    gbps: float | None = None
    tflops: float | None = None
    roofline: dict[str, Any] | None = None
    roofline_fraction: float | None = None
    suspect: bool = False  # much faster than the reference: re-checked on fresh inputs
    recheck: dict[str, Any] | None = None  # {"passed", "seed", "message"}
    message: str = ""  # one line: the figures, or why there are none
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    _keys: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @property
    def measured(self) -> bool:
        return self.status == "measured"

    def _default_keys(self) -> tuple[str, ...]:
        return super()._default_keys() if self.measured else ("status", "message")


@dataclass
class Output:
    """What the learner's code printed: the first MiB of each stream, and how much in all."""

    stdout: str = ""
    stderr: str = ""
    stdout_bytes: int = 0
    stderr_bytes: int = 0
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "stdout": self.stdout,
            "stderr": self.stderr,
            "stdout_bytes": self.stdout_bytes,
            "stderr_bytes": self.stderr_bytes,
            "truncated": self.truncated,
        }


@dataclass
class Limits:
    time_s: float = 0.0
    memory_mb: int = 0
    memory_enforced: bool = False  # RLIMIT_AS set (not on macOS, not beside a CUDA context)

    def to_json(self) -> dict[str, Any]:
        return {"time_s": self.time_s, "memory_mb": self.memory_mb, "memory_enforced": self.memory_enforced}
