"""The parent side of a run: one child process per exercise, with a time limit, a memory limit and
captured output; its JSON-line events become an ExerciseReport.

The child is forked from a fork server that has numpy imported (app/verify/forkserver.py, ~10 ms
a child) or, where there is none, is a fresh `python -P -m app.verify.child` (~250 ms). Either way it
runs in its own session (process group), with stdin closed, one BLAS thread, no bytecode written
into the workspace, and the repo (not the workspace folder) first on its import path. Results
come over a dedicated pipe; stdout and stderr are drained as they come and only the first MiB of
each is kept, so megabytes of prints neither block the child nor fill memory. On the time limit the
whole process group is killed (a kernel exercise running compiled on a GPU gets
kernel_timing.COMPILE_BUDGET_S more for its first launches, and TIMING_BUDGET_S more once it starts
timing). Nothing the child does touches the database: the parent
stores the attempt afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from app import locations
from app.verify.report import ExerciseReport, utc_now
from reference_impls.exercise import Exercise

OUTPUT_LIMIT = 2**20  # of each stream: about 1 MB kept, the rest counted and reported as truncated
EXIT_GRACE_S = 0.5  # after the child exits, how long to wait for its pipes to close (grandchildren)

EventHandler = Callable[[ExerciseReport, dict], None]


@dataclass(frozen=True)
class Job:
    """One exercise to run on one implementation: a .py file, or `module:dotted.name` for the reference."""

    exercise: Exercise
    impl: str
    kind: str = "learner"  # learner | reference | wrong
    file_label: str | None = None  # how reports name the file


def source_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(locations.REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])])
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[name] = "1"  # small arrays: threads cost more than they give, and results stay deterministic
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONSTARTUP", None)
    return env


class _Capped:
    """The first OUTPUT_LIMIT bytes of a stream, and how many there were in all."""

    def __init__(self) -> None:
        self.kept = bytearray()
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = OUTPUT_LIMIT - len(self.kept)
        if room > 0:
            self.kept += chunk[:room]

    @property
    def truncated(self) -> bool:
        return self.total > len(self.kept)

    def text(self) -> str:
        return self.kept.decode("utf-8", errors="replace")


def run_job(job: Job, *, time_limit_s: float | None = None, memory_limit_mb: int | None = None,
            on_event: EventHandler | None = None) -> ExerciseReport:
    from app.verify import registry

    exercise = job.exercise
    limit_s = float(time_limit_s or exercise.time_limit_s)
    memory_mb = int(memory_limit_mb or exercise.memory_limit_mb)
    impl_path = None if job.impl.startswith("module:") else Path(job.impl)
    report = ExerciseReport(
        id=exercise.id, title=exercise.title, module_id=exercise.home_module,
        file=job.file_label or (registry.display_path(impl_path) if impl_path else job.impl.removeprefix("module:")),
        impl=job.kind, started_at=utc_now(), source_hash=source_hash(impl_path) if impl_path else None,
        limits={"time_s": limit_s, "memory_mb": memory_mb, "memory_enforced": False},
    )
    if impl_path is not None and not impl_path.is_file():
        report.status = "missing"
        report.error = f"no file {report.file}: run `learn start {registry.module_label(exercise.home_module)}`"
        return report
    if impl_path is not None and job.kind == "learner":
        from app.verify.untouched import is_untouched_stub

        if is_untouched_stub(exercise, impl_path):  # not a failure: nothing written yet
            report.status = "missing"
            report.error = f"{report.file} is the stub as `learn start` wrote it: fill in its # TODOs"
            return report

    cwd = str(impl_path.parent if impl_path else locations.REPO_ROOT)
    args = (registry.module_name(exercise), exercise.id, job.impl, memory_mb, cwd)
    if start_method() == "forkserver":
        from app.verify.forkserver import ForkedChild

        # More to preload (forkserver.py), but never triton: triton.language's own helpers (tl.max, tl.sum)
        # are @triton.jit functions, compiled or interpreted as TRITON_INTERPRET says when triton is
        # imported, so the child imports it after choosing (triton_mode.py). It costs ~0.25 s there.
        extra = tuple(n for n in exercise.needs if n not in ("numpy", "torch", "triton"))
        child = ForkedChild(*args, torch="torch" in exercise.needs, extra=extra)
    else:
        child = SpawnedChild(*args)
    # The clock starts once the child exists: ForkedChild waits for its server's imports (torch: seconds
    # on the first torch job of a run, more on a busy machine), which are not the exercise's time.
    started = time.monotonic()
    stdout, stderr = _Capped(), _Capped()
    events: list[dict] = []
    timed_out = False
    deadline = [started + limit_s]  # a kernel exercise's GPU timing gets a budget of its own (_on)
    try:
        timed_out = _pump(child, stdout, stderr, deadline, lambda e: _on(report, events, e, on_event, deadline))
    finally:
        child.kill_group()
        returncode = child.wait()
        child.close()
    report.duration_ms = round(1000 * (time.monotonic() - started))
    printed = next((e for e in events if e.get("event") == "output"), {})
    out_total, err_total = max(stdout.total, printed.get("stdout", 0)), max(stderr.total, printed.get("stderr", 0))
    report.output = {
        "stdout": stdout.text(), "stderr": stderr.text(), "stdout_bytes": out_total, "stderr_bytes": err_total,
        "truncated": out_total > len(stdout.kept) or err_total > len(stderr.kept),
    }
    _conclude(report, events, returncode, timed_out, limit_s, memory_mb)
    return report


def _pump(child, stdout: _Capped, stderr: _Capped, deadline: list[float],
          on_event: Callable[[dict], None]) -> bool:
    """Drain the three pipes until they close or the deadline (deadline[0], which on_event may move)
    passes; True on a timeout."""
    selector = selectors.DefaultSelector()
    sinks = {child.stdout_fd: stdout.add, child.stderr_fd: stderr.add}
    pending = b""

    def take(chunk: bytes) -> None:
        nonlocal pending
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            try:
                on_event(json.loads(line))
            except ValueError:
                pass  # not ours: the learner wrote to our pipe

    sinks[child.results_fd] = take
    for fd in sinks:
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    exited_at = None
    try:
        while selector.get_map():
            now = time.monotonic()
            if now >= deadline[0]:
                return True
            if child.poll() is not None:
                exited_at = exited_at or now
                if now - exited_at > EXIT_GRACE_S:
                    break  # a grandchild holds a pipe open; the group is killed next
            for key, _ in selector.select(timeout=min(deadline[0] - now, 0.1)):
                try:
                    chunk = os.read(key.fd, 1 << 16)
                except BlockingIOError:
                    continue
                if chunk:
                    sinks[key.fd](chunk)
                else:
                    selector.unregister(key.fd)
    finally:
        selector.close()
    return False


# -- starting the child: forked from a preloaded server (fast), or a fresh interpreter (fallback) ----


def start_method() -> str:
    """'forkserver' where there is one (Linux, macOS), else 'spawn'; LEARN_VERIFY_START overrides."""
    import multiprocessing

    wanted = os.environ.get("LEARN_VERIFY_START")
    if wanted in ("forkserver", "spawn"):
        return wanted
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class SpawnedChild:
    """A fresh interpreter: `python -P -m app.verify.child ...`, in a new session."""

    def __init__(self, exercise_module: str, exercise_id: str, impl: str, memory_mb: int, cwd: str) -> None:
        read_fd, write_fd = os.pipe()
        command = [sys.executable, "-P", "-m", "app.verify.child", exercise_module, exercise_id, impl, str(write_fd), str(memory_mb)]
        try:
            self.popen = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(write_fd,),
                start_new_session=True, env=child_environment(), cwd=cwd,
            )
        finally:
            os.close(write_fd)
        self.results_fd = read_fd
        self.stdout_fd, self.stderr_fd = self.popen.stdout.fileno(), self.popen.stderr.fileno()
        self.pid = self.popen.pid

    def poll(self) -> int | None:
        return self.popen.poll()

    def kill_group(self) -> None:
        kill_group(self.pid)

    def wait(self) -> int | None:
        return self.popen.wait()

    def close(self) -> None:
        os.close(self.results_fd)
        self.popen.stdout.close()
        self.popen.stderr.close()


def kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _on(report: ExerciseReport, events: list[dict], event: dict, handler: EventHandler | None,
        deadline: list[float] | None = None) -> None:
    events.append(event)
    kind = event.get("event")
    if kind == "timing_start" and deadline is not None and not report.timing_budget_s:
        from app.verify.kernel_timing import TIMING_BUDGET_S

        # Once, and by our own budget: compiling and timing three kernels is not the exercise's time.
        report.timing_budget_s = TIMING_BUDGET_S
        deadline[0] = max(deadline[0], time.monotonic() + TIMING_BUDGET_S)
    elif kind == "timing":
        report.timing = event.get("result")
    if kind == "plan" and event.get("kernel_mode") == "cuda" and deadline is not None and not report.compile_budget_s:
        from app.verify.kernel_timing import COMPILE_BUDGET_S

        # Compiled kernels: each new specialization (shape, dtype) compiles on first launch, ~1 s cold.
        report.compile_budget_s = COMPILE_BUDGET_S
        deadline[0] += COMPILE_BUDGET_S
    if kind == "plan":
        report.limits["memory_enforced"] = bool(event.get("memory_enforced"))
        report.checks = [
            {**case, "entry": "", "seed": None, "note": "", "inputs": [], "passed": False, "status": "not_run",
             "message": "not run", "mismatch": None, "error": None, "hints": [], "mutated": [], "duration_ms": 0}
            for case in event.get("cases", [])
        ]
    elif kind == "case":
        result = event["result"]
        if 0 <= result.get("index", -1) < len(report.checks):
            report.checks[result["index"]] = result
    if handler is not None:
        handler(report, event)


def _conclude(report: ExerciseReport, events: list[dict], returncode: int | None, timed_out: bool, limit_s: float, memory_mb: int) -> None:
    kinds = {e.get("event") for e in events}
    started = [e["index"] for e in events if e.get("event") == "case_start"]
    finished = {e["result"]["index"] for e in events if e.get("event") == "case"}
    running = next((i for i in reversed(started) if i not in finished), None)
    where = f" in {report.checks[running]['label']}" if running is not None and running < len(report.checks) else ""
    memory = f"{memory_mb / 1024:g} GiB" if memory_mb >= 1024 else f"{memory_mb} MiB"
    spec_error = next((e for e in events if e.get("event") == "spec_error"), None)
    load_error = next((e for e in events if e.get("event") == "load_error"), None)

    def stop_running(status: str, message: str) -> None:
        if running is not None and running < len(report.checks):
            report.checks[running].update(status=status, message=message)

    if spec_error:
        report.status = "spec_error"
        report.error = f"the exercise itself is broken (a bug in reference_impls, not in your code): {spec_error['message']}"
    elif timed_out and "timing_start" in kinds and "timing" not in kinds:
        report.status = "timeout"
        report.error = f"timed out while timing the kernel on the GPU (budget {report.timing_budget_s:g} s)"
    elif timed_out:
        limit_s += report.compile_budget_s
        report.status = "timeout"
        report.error = f"timed out after {limit_s:g} s{where or ' before the checks started'}"
        stop_running("timeout", f"timed out after {limit_s:g} s")
        report.extra_hints.append("a loop that never ends? (a while condition that never changes, or a recursion without a base case)")
    elif load_error:
        detail = load_error["error"]
        report.status = "error"
        report.error_detail = detail
        report.error = detail["message"] + (f" at {detail['where']}" if detail.get("where") else "")
        for check in report.checks:
            check.update(status="not_run", message="not run: your file did not import")
    elif "done" not in kinds:
        report.status = "crashed"
        if returncode is not None and returncode < 0:
            signum = -returncode
            name = signal.Signals(signum).name if signum in signal.Signals._value2member_map_ else f"signal {signum}"
            if signum == signal.SIGKILL:
                report.error = f"killed (SIGKILL){where}: most likely the memory limit ({memory}) or the system ran out of memory"
            else:
                report.error = f"crashed with {name}{where}"
        else:
            report.error = f"the process exited with code {returncode}{where} before finishing the checks"
        stop_running("error", report.error)
    elif report.checks and all(c["passed"] for c in report.checks):
        from app.verify.kernel_timing import recheck_failure

        failure = recheck_failure(report.timing)  # a suspect speedup that fresh inputs proved wrong
        report.status = "failed" if failure else "passed"
        report.error = failure
    else:
        report.status = "failed"
    if report.output.get("truncated"):
        printed = report.output["stdout_bytes"] + report.output["stderr_bytes"]
        size = f"{printed / 2**20:.1f} MiB" if printed >= 2**20 else f"{printed / 2**10:.0f} KiB"
        report.extra_hints.append(f"output truncated: printed {size}; the first {OUTPUT_LIMIT // 2**20} MiB of each stream kept")


def run_jobs(jobs: Sequence[Job], *, workers: int | None = None, time_limit_s: float | None = None,
             memory_limit_mb: int | None = None, on_event: EventHandler | None = None,
             on_done: Callable[[ExerciseReport], None] | None = None) -> list[ExerciseReport]:
    """Run every job, `workers` children at a time (default: one per CPU); reports in job order."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))

    def one(job: Job) -> ExerciseReport:
        report = run_job(job, time_limit_s=time_limit_s, memory_limit_mb=memory_limit_mb, on_event=on_event)
        if on_done is not None:
            on_done(report)
        return report

    if workers == 1:
        return [one(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, jobs))
