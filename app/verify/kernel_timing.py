"""GPU timings of a kernel exercise, taken in its child once every check has passed.

The learner's launcher, the reference kernel and the PyTorch equivalent run on the exercise's
`benchmark` inputs (reference_impls/exercise.py, `Benchmark`); each is called once first (the first
launch compiles), then timed with kernels.harness.time_ms (median of triton.testing.do_bench). The
result gives:

    speedup_vs_reference, speedup_vs_torch   their time / yours: above 1, yours is faster
    gbps, tflops                              yours, from the bytes and flops the benchmark declares
    roofline_fraction                         the roofline's best time / yours (1.0 = at the ceiling)

The roofline is measured on the device: the copy bandwidth (and, for kernels that declare flops, the
matmul TFLOP/s in the inputs' dtype), once per run: the value is cached for ROOFLINE_TTL_S in a
file beside the lock, so the other exercises of the same `learn verify` reuse it.

The children of a run check in parallel, but only one at a time may time: two kernels sharing a GPU
would slow each other down. An flock on a per-user file serialises the timing sections of every
child (and of two runs at once).

A speedup over the reference above the benchmark's `suspect_speedup` (10x) is suspect: a kernel that
skips work, or returns a cached answer, is fast. It is flagged, and the launcher is re-checked on
fresh inputs (seed + 1) against the exercise's oracle; if that fails, so does the exercise (the
runner turns a failed re-check into a failure).

Without CUDA there are no timings, and the report says so once (NO_CUDA); correctness is what the
interpreter checked.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

NO_CUDA = "timings need a CUDA device; correctness checked with the Triton interpreter"
ROOFLINE_TTL_S = 600.0  # a roofline measured this recently (same device) is reused: "once per run"
TIMING_BUDGET_S = 120.0  # the runner's extra time for a child once it starts timing (compiles + do_bench)
COMPILE_BUDGET_S = 40.0  # ... and for a child whose checks run compiled kernels (first launches compile)

Timer = Callable[[Callable[[], object]], float]


def lock_path() -> Path:
    """In the system's temp folder (not a run's own, which the child's TMPDIR names): shared by every child."""
    from app.verify.sandbox.confine import system_tempdir

    return Path(system_tempdir()) / f"learn-verify-gpu-{os.getuid() if hasattr(os, 'getuid') else 0}.lock"


def cache_path() -> Path:
    return lock_path().with_suffix(".roofline.json")


@contextlib.contextmanager
def gpu_lock(path: Path | None = None):
    """Hold an exclusive flock on `path` (the per-user GPU lock): one timing section at a time."""
    path = path or lock_path()
    with open(path, "a+") as fh:
        try:
            import fcntl
        except ImportError:  # Windows: no flock; timings may overlap there
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def roofline(
    device_name: str,
    flops_dtype: str | None,
    *,
    measure_bandwidth: Callable[[], float],
    measure_tflops: Callable[[str], float],
    path: Path | None = None,
    now: float | None = None,
) -> dict:
    """{"bandwidth_gbps", "tflops" (None unless flops_dtype), "tflops_dtype"}, measured or from the
    cache when measured on this device within ROOFLINE_TTL_S. Call with the GPU lock held."""
    path = path or cache_path()
    now = time.time() if now is None else now
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cached = {}
    entry = cached.get(device_name) if isinstance(cached, dict) else None
    if not isinstance(entry, dict) or now - float(entry.get("measured_at", 0)) > ROOFLINE_TTL_S:
        entry = {"measured_at": now, "bandwidth_gbps": float(measure_bandwidth()), "tflops": {}}
    if flops_dtype and flops_dtype not in entry["tflops"]:
        entry["tflops"][flops_dtype] = float(measure_tflops(flops_dtype))
    cached = cached if isinstance(cached, dict) else {}
    cached[device_name] = entry
    with contextlib.suppress(OSError):
        path.write_text(json.dumps(cached), encoding="utf-8")
    return {
        "bandwidth_gbps": entry["bandwidth_gbps"],
        "tflops": entry["tflops"].get(flops_dtype) if flops_dtype else None,
        "tflops_dtype": flops_dtype,
    }


def summarize(ms: dict[str, float], nbytes: float, flops: float, peak: dict, suspect_speedup: float = 10.0) -> dict:
    """The figures from the medians `ms` ({"yours", "reference", "torch"}) and the roofline `peak`."""
    from kernels import harness  # imports neither torch nor triton

    yours = ms["yours"]
    speedup = ms["reference"] / yours if yours > 0 else math.inf
    fraction = None
    if peak.get("bandwidth_gbps") and yours > 0:  # no peak TFLOP/s measured: a memory-bound kernel
        ceiling = harness.Roofline(peak["bandwidth_gbps"], peak.get("tflops") or math.inf)
        fraction = ceiling.fraction(nbytes, flops or 0.0, yours)
    return {
        "ms": dict(ms),
        "speedup_vs_reference": speedup,
        "speedup_vs_torch": ms["torch"] / yours if yours > 0 else math.inf,
        "gbps": harness.gbps(nbytes, yours) if yours > 0 else None,
        "tflops": harness.tflops(flops, yours) if flops and yours > 0 else None,
        "roofline": dict(peak),
        "roofline_fraction": fraction,
        "suspect": is_suspect(speedup, suspect_speedup),
    }


def is_suspect(speedup_vs_reference: float, limit: float = 10.0) -> bool:
    """Faster than the reference by more than `limit` times: worth a second look with fresh inputs."""
    return speedup_vs_reference > limit


def measure(
    exercise,
    impl,
    reference,
    *,
    device: str = "cuda",
    timer: Timer | None = None,
    peak: Callable[[str | None], dict] | None = None,
    lock: Callable[[], Any] | None = None,
) -> dict:
    """Time the benchmark's launcher (yours, the reference's, torch's); the JSON-ready result.

    timer / peak / lock default to the real GPU ones (kernels.harness, the cached roofline, the flock);
    tests pass fakes to run the logic on CPU tensors under the interpreter.
    """
    bench = exercise.benchmark
    args = bench.inputs(device, bench.seed)
    fns = {"yours": getattr(impl, bench.entry), "reference": getattr(reference, bench.entry), "torch": bench.torch}
    for fn in fns.values():  # compile (first launch) and warm up outside the lock
        fn(*args)
    _synchronize(device)
    if timer is None:
        from kernels.harness import time_ms as timer
    nbytes = float(bench.bytes(*args))
    flops = float(bench.flops(*args)) if bench.flops else 0.0
    flops_dtype = _dtype_name(args) if flops else None
    with (lock or gpu_lock)():
        roof = (peak or _device_peak)(flops_dtype)
        ms = {name: float(timer(lambda fn=fn: fn(*args))) for name, fn in fns.items()}
    result = {
        "status": "measured",
        "device": _device_name(device),
        "size": bench.size,
        "entry": bench.entry,
        **summarize(ms, nbytes, flops, roof, bench.suspect_speedup),
        "recheck": None,
    }
    if result["suspect"]:
        result["recheck"] = recheck(exercise, impl, device, bench.seed + 1)
    result["message"] = describe(result, bench.suspect_speedup)
    return result


def recheck(exercise, impl, device: str, seed: int) -> dict:
    """The launcher on fresh inputs (`seed`) against the exercise's oracle, with the check's tolerance."""
    import importlib

    from app.verify.compare import compare

    bench = exercise.benchmark
    args = bench.inputs(device, seed)
    check = next(c for c in exercise.checks if c.entry == bench.entry)
    oracle = getattr(importlib.import_module(exercise.oracle or exercise.reference), bench.entry)
    expected = _numpy(oracle(*args))  # first: the learner's call may not modify what the oracle reads
    try:
        actual = _numpy(getattr(impl, bench.entry)(*args))
    except Exception as exc:  # noqa: BLE001 - reported as the re-check's failure
        return {"passed": False, "seed": seed, "message": f"raised {type(exc).__name__}: {str(exc)[:200]}"}
    mismatch = compare(expected, actual, check.tolerance_for, check.check_dtype)
    return {"passed": mismatch is None, "seed": seed, "message": mismatch.message if mismatch else None}


def describe(result: dict, suspect_speedup: float = 10.0) -> str:
    """One line: '0.062 ms, 1.02x the reference, 0.98x torch, 3051 GB/s, 91% of roofline'."""
    if result.get("status") != "measured":
        return result.get("message", "")
    parts = [
        f"{result['ms']['yours']:.3g} ms",
        f"{result['speedup_vs_reference']:.2f}x the reference",
        f"{result['speedup_vs_torch']:.2f}x torch",
    ]
    if result.get("tflops"):
        parts.append(f"{result['tflops']:.3g} TFLOP/s")
    elif result.get("gbps"):
        parts.append(f"{result['gbps']:.0f} GB/s")
    if result.get("roofline_fraction") is not None:
        parts.append(f"{100 * result['roofline_fraction']:.0f}% of roofline")
    line = ", ".join(parts)
    if result.get("suspect"):
        check = result.get("recheck") or {}
        verdict = "correct on fresh inputs" if check.get("passed") else f"WRONG on fresh inputs: {check.get('message')}"
        line += f"; suspect: over {suspect_speedup:g}x faster than the reference, re-checked (seed {check.get('seed')}): {verdict}"
    return line


def recheck_failure(timing: dict | None) -> str | None:
    """The exercise's error when a suspect speedup failed its re-check, else None (the runner's rule)."""
    if not timing or not timing.get("suspect") or not timing.get("recheck") or timing["recheck"].get("passed"):
        return None
    speedup = timing.get("speedup_vs_reference") or 0
    return (
        f"suspect: {speedup:.0f}x faster than the reference, and wrong on fresh inputs "
        f"(seed {timing['recheck'].get('seed')}): {timing['recheck'].get('message')}"
    )


class GpuTimingPolicy:
    """The runner's hook for a kernel exercise: the time budgets of compiling and timing on a GPU,
    the timeout message while timing, and a failed re-check turning a pass into a failure."""

    def on_event(self, report, event: dict, deadline: list[float]) -> None:
        kind = event.get("event")
        if kind == "timing_start" and not report.timing_budget_s:
            # Once, and by our own budget: compiling and timing three kernels is not the exercise's time.
            report.timing_budget_s = TIMING_BUDGET_S
            deadline[0] = max(deadline[0], time.monotonic() + TIMING_BUDGET_S)
        elif kind == "timing":
            from app.verify.results import Timing

            report.timing = Timing.from_json(event["result"]) if event.get("result") else None
        elif kind == "plan" and event.get("kernel_mode") == "cuda" and not report.compile_budget_s:
            # Compiled kernels: each new specialization (shape, dtype) compiles on first launch, ~1 s cold.
            report.compile_budget_s = COMPILE_BUDGET_S
            deadline[0] += COMPILE_BUDGET_S

    def timeout_error(self, report, kinds: set) -> str | None:
        if "timing_start" in kinds and "timing" not in kinds:
            return f"timed out while timing the kernel on the GPU (budget {report.timing_budget_s:g} s)"
        return None

    def verdict(self, report) -> str | None:
        return recheck_failure(report.timing.to_json() if report.timing else None)


def _device_peak(flops_dtype: str | None) -> dict:
    import torch

    from kernels import harness

    return roofline(
        _device_name("cuda"),
        flops_dtype,
        measure_bandwidth=lambda: harness.copy_bandwidth_gbps("cuda"),
        measure_tflops=lambda dtype: harness.matmul_tflops(getattr(torch, dtype), device="cuda"),
    )


def _device_name(device: str) -> str:
    import torch

    return torch.cuda.get_device_name() if device == "cuda" else device


def _synchronize(device: str) -> None:
    import torch

    if device == "cuda":
        torch.cuda.synchronize()


def _dtype_name(args: tuple) -> str | None:
    import torch

    return next(
        (str(a.dtype).removeprefix("torch.") for a in args if isinstance(a, torch.Tensor) and a.is_floating_point()),
        None,
    )


def _numpy(value):
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, tuple | list):
        return type(value)(_numpy(v) for v in value)
    return value
