"""The parent side of a run: one child process per exercise (or code card), with a time limit, a
memory limit and captured output; its JSON-line events become an ExerciseReport.

The child is forked from a fork server that has numpy imported (app/verify/sandbox/forkserver.py,
~10 ms a child) or, where there is none, is a fresh `python -P -m app.verify.child` (~250 ms). Either
way it runs in its own session, with stdin closed, one BLAS thread, no bytecode written into the
workspace, the repo (not the workspace folder) first on its import path, no LEARN_* variables, and a
temp folder of its own (deleted afterwards). It is the run's supervisor: the learner's code runs in a
worker below it, and every process that code starts is killed when the run ends, for any reason
(app/verify/sandbox/processes.py); on Linux the worker writes only to its workspace folder and the
temp folder (Landlock, app/verify/sandbox/confine.py). Results come over a dedicated pipe, each line
with the run's nonce (a line without it is the learner's, and ignored); stdout and stderr are
drained as they come and only the first MiB of each is kept, so megabytes of prints neither block
the child nor fill memory. On the time limit the whole tree is killed. Exercise-specific policy
(a kernel exercise's GPU time budgets and re-check, kernel_timing.GpuTimingPolicy) is a hook that
this runner calls. Nothing the child does touches the database: the parent stores the attempt
afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from app import locations
from app.verify.report import ExerciseReport, utc_now
from app.verify.results import CaseResult, CaseStatus, Limits, Output
from reference_impls.exercise import Exercise

OUTPUT_LIMIT = 2**20  # of each stream: about 1 MB kept, the rest counted and reported as truncated
EXIT_GRACE_S = 0.5  # after the child exits, how long to wait for its pipes to close (grandchildren)

EventHandler = Callable[[ExerciseReport, dict], None]


@dataclass(frozen=True)
class Job:
    """One exercise to run on one implementation: a .py file, or `module:dotted.name` for the reference."""

    exercise: Exercise
    impl: str  # a .py path, `module:dotted.name`, or `code:PATH` (a code card's answer)
    kind: str = "learner"  # learner | reference | wrong
    file_label: str | None = None  # how reports name the file
    module: str | None = None  # the module the child loads the exercise from (default: the registry's)


def source_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def child_environment() -> dict[str, str]:
    """The child's environment: ours without LEARN_* (the database's folder) and with one BLAS thread."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("LEARN_")}
    env["PYTHONPATH"] = os.pathsep.join([str(locations.REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])])
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
        "NUMEXPR_NUM_THREADS",
    ):
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


class _Hooks:
    """Exercise-specific policy the runner calls: on every event (may move the deadline), on a
    timeout (the error, or None for the generic one) and on a pass (an error turns it into a failure)."""

    def __init__(self, policies: list) -> None:
        self.policies = policies

    def on_event(self, report: ExerciseReport, event: dict, deadline: list[float]) -> None:
        for policy in self.policies:
            policy.on_event(report, event, deadline)

    def timeout_error(self, report: ExerciseReport, kinds: set) -> str | None:
        return next((e for p in self.policies if (e := p.timeout_error(report, kinds))), None)

    def verdict(self, report: ExerciseReport) -> str | None:
        return next((e for p in self.policies if (e := p.verdict(report))), None)


def _hooks(exercise: Exercise) -> _Hooks:
    policies = []
    # A listing (the catalog's ExerciseInfo) has no benchmark; every benchmarked exercise needs triton
    # (tests/test_verify_kernels.py holds it to that), so `needs` decides.
    if "triton" in exercise.needs or getattr(exercise, "benchmark", None) is not None:
        from app.verify.kernel_timing import GpuTimingPolicy

        policies.append(GpuTimingPolicy())
    return _Hooks(policies)


def run_job(
    job: Job,
    *,
    time_limit_s: float | None = None,
    memory_limit_mb: int | None = None,
    on_event: EventHandler | None = None,
    run_needs: Collection[str] = (),
) -> ExerciseReport:
    """Run one job in a child and report it. run_needs: what the run's jobs need together (its torch
    jobs then share one fork server: forkserver.server_for)."""
    from app.verify import registry

    exercise = job.exercise
    limit_s = float(time_limit_s or exercise.time_limit_s)
    memory_mb = int(memory_limit_mb or exercise.memory_limit_mb)
    impl_file = job.impl.removeprefix("code:")
    impl_path = None if job.impl.startswith("module:") else Path(impl_file)
    report = ExerciseReport(
        id=exercise.id,
        title=exercise.title,
        module_id=exercise.home_module,
        file=job.file_label or (registry.display_path(impl_path) if impl_path else job.impl.removeprefix("module:")),
        impl=job.kind,
        started_at=utc_now(),
        source_hash=source_hash(impl_path) if impl_path else None,
        limits=Limits(limit_s, memory_mb),
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

    from app.verify.seeds import run_seed

    report.seed = run_seed()  # the fresh cases' seed (a replay: LEARN_VERIFY_SEED, set by --seed)
    tmpdir = tempfile.mkdtemp(prefix="learn-run-")
    workspace = str(impl_path.parent) if impl_path else None
    spec = {
        "module": job.module or registry.module_name(exercise),
        "exercise": exercise.id,
        "impl": job.impl,
        "memory_mb": memory_mb,
        "cwd": workspace or str(locations.REPO_ROOT),
        "workspace": workspace,
        "tmpdir": tmpdir,
        "seed": report.seed,
        "confine_writes": os.environ.get("LEARN_VERIFY_CONFINE", "1") != "0",
    }  # "0": an escape hatch, never needed so far
    nonce = secrets.token_hex(16)
    try:
        if start_method() == "forkserver":
            from app.verify.sandbox.forkserver import ForkedChild

            child = ForkedChild(spec, nonce, exercise.needs, run_needs)
        else:
            child = SpawnedChild(spec, nonce)
        _supervise_child(child, report, nonce, limit_s, memory_mb, _hooks(exercise), on_event)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return report


def _supervise_child(
    child,
    report: ExerciseReport,
    nonce: str,
    limit_s: float,
    memory_mb: int,
    hooks: _Hooks,
    on_event: EventHandler | None,
) -> None:
    # The clock starts once the child exists: ForkedChild waits for its server's imports (torch: seconds
    # on the first torch job of a run, more on a busy machine), which are not the exercise's time.
    started = time.monotonic()
    stdout, stderr = _Capped(), _Capped()
    events: list[dict] = []
    timed_out = False
    deadline = [started + limit_s]  # a hook may move it (a kernel exercise's GPU timing budget)

    def on(event: dict) -> None:
        if event.pop("nonce", None) == nonce:  # else the learner's code wrote it
            _on(report, events, event, on_event, deadline, hooks)

    try:
        timed_out = _pump(child, stdout, stderr, deadline, on)
    finally:
        # Its pipes closed: the child is cleaning up what its worker left (and then exits with the
        # worker's status, which names a crash's signal); on a timeout it is killed at once.
        child.kill_tree(wait_s=0 if timed_out else EXIT_GRACE_S)
        returncode = child.wait()
        child.close()
    report.duration_ms = round(1000 * (time.monotonic() - started))
    printed = next((e for e in events if e.get("event") == "output"), {})
    out_total, err_total = max(stdout.total, printed.get("stdout", 0)), max(stderr.total, printed.get("stderr", 0))
    report.output = Output(
        stdout.text(),
        stderr.text(),
        out_total,
        err_total,
        truncated=out_total > len(stdout.kept) or err_total > len(stderr.kept),
    )
    _conclude(report, events, returncode, timed_out, limit_s, memory_mb, hooks)


def _pump(child, stdout: _Capped, stderr: _Capped, deadline: list[float], on_event: Callable[[dict], None]) -> bool:
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
                event = json.loads(line)
            except ValueError:
                continue  # not ours: the learner wrote to our pipe
            if isinstance(event, dict):
                on_event(event)

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
    """A fresh interpreter: `python -P -m app.verify.child RESULTS_FD SPEC`, in a new session."""

    def __init__(self, spec: dict, nonce: str) -> None:
        read_fd, write_fd = os.pipe()
        command = [sys.executable, "-P", "-m", "app.verify.child", str(write_fd), json.dumps(spec)]
        try:
            self.popen = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(write_fd,),
                start_new_session=True,
                env={**child_environment(), "LEARN_RUN_NONCE": nonce},
                cwd=spec["cwd"],
            )
        finally:
            os.close(write_fd)
        self.results_fd = read_fd
        self.stdout_fd, self.stderr_fd = self.popen.stdout.fileno(), self.popen.stderr.fileno()
        self.pid = self.popen.pid

    def poll(self) -> int | None:
        return self.popen.poll()

    def kill_tree(self, wait_s: float = 0) -> None:
        """Kill it and all below it, unless it exits within `wait_s` (having killed what it left itself)."""
        from app.verify.sandbox.processes import kill_tree

        try:
            self.popen.wait(wait_s)
        except subprocess.TimeoutExpired:
            kill_tree(self.pid)

    def wait(self) -> int | None:
        return self.popen.wait()

    def close(self) -> None:
        os.close(self.results_fd)
        self.popen.stdout.close()
        self.popen.stderr.close()


def _on(
    report: ExerciseReport,
    events: list[dict],
    event: dict,
    handler: EventHandler | None,
    deadline: list[float],
    hooks: _Hooks,
) -> None:
    events.append(event)
    kind = event.get("event")
    hooks.on_event(report, event, deadline)
    if kind == "plan":
        report.limits.memory_enforced = bool(event.get("memory_enforced"))
        report.checks = [CaseResult.not_run(case) for case in event.get("cases", [])]
    elif kind == "case":
        result = event["result"]
        if 0 <= result.get("index", -1) < len(report.checks):
            report.checks[result["index"]] = CaseResult.from_json(result)
    elif kind == "diagnosis":  # hints that the view across cases gives, after they all ran
        for index, hints in event.get("hints", {}).items():
            if 0 <= int(index) < len(report.checks):
                report.checks[int(index)].hints = [str(h) for h in hints]
    if handler is not None:
        handler(report, event)


def _conclude(
    report: ExerciseReport,
    events: list[dict],
    returncode: int | None,
    timed_out: bool,
    limit_s: float,
    memory_mb: int,
    hooks: _Hooks,
) -> None:
    kinds = {e.get("event") for e in events}
    started = [e["index"] for e in events if e.get("event") == "case_start"]
    finished = {e["result"]["index"] for e in events if e.get("event") == "case"}
    running = next((i for i in reversed(started) if i not in finished), None)
    where = f" in {report.checks[running].label}" if running is not None and running < len(report.checks) else ""
    memory = f"{memory_mb / 1024:g} GiB" if memory_mb >= 1024 else f"{memory_mb} MiB"
    spec_error = next((e for e in events if e.get("event") == "spec_error"), None)
    load_error = next((e for e in events if e.get("event") == "load_error"), None)

    def stop_running(status: str, message: str) -> None:
        if running is not None and running < len(report.checks):
            report.checks[running].stop(status, message)

    if spec_error:
        report.status = "spec_error"
        report.error = (
            f"the exercise itself is broken (a bug in reference_impls, not in your code): {spec_error['message']}"
        )
    elif timed_out and (special := hooks.timeout_error(report, kinds)):
        report.status = "timeout"
        report.error = special
    elif timed_out:
        limit_s += report.compile_budget_s
        report.status = "timeout"
        report.error = f"timed out after {limit_s:g} s{where or ' before the checks started'}"
        stop_running("timeout", f"timed out after {limit_s:g} s")
        report.extra_hints.append(
            "a loop that never ends? (a while condition that never changes, or a recursion without a base case)"
        )
    elif load_error:
        detail = load_error["error"]
        report.status = "error"
        report.error_detail = detail
        report.error = detail["message"] + (f" at {detail['where']}" if detail.get("where") else "")
        for check in report.checks:
            check.stop(CaseStatus.NOT_RUN, "not run: your file did not import")
    elif "done" not in kinds:
        report.status = "crashed"
        if returncode is not None and returncode < 0:
            signum = -returncode
            name = signal.Signals(signum).name if signum in signal.Signals._value2member_map_ else f"signal {signum}"
            if signum == signal.SIGKILL:
                report.error = (
                    f"killed (SIGKILL){where}: most likely the memory limit ({memory}) or the system ran out of memory"
                )
            else:
                report.error = f"crashed with {name}{where}"
        else:
            report.error = f"the process exited with code {returncode}{where} before finishing the checks"
        stop_running("error", report.error)
    elif report.checks and all(c.passed for c in report.checks):
        failure = hooks.verdict(report)  # a kernel's suspect speedup that fresh inputs proved wrong
        report.status = "failed" if failure else "passed"
        report.error = failure
    else:
        report.status = "failed"
    if report.output.truncated:
        printed = report.output.stdout_bytes + report.output.stderr_bytes
        size = f"{printed / 2**20:.1f} MiB" if printed >= 2**20 else f"{printed / 2**10:.0f} KiB"
        report.extra_hints.append(
            f"output truncated: printed {size}; the first {OUTPUT_LIMIT // 2**20} MiB of each stream kept"
        )


def run_jobs(
    jobs: Sequence[Job],
    *,
    workers: int | None = None,
    time_limit_s: float | None = None,
    memory_limit_mb: int | None = None,
    on_event: EventHandler | None = None,
    on_done: Callable[[ExerciseReport], None] | None = None,
) -> list[ExerciseReport]:
    """Run every job, `workers` children at a time (default: one per CPU); reports in job order."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    run_needs = frozenset(need for job in jobs for need in job.exercise.needs)

    def one(job: Job) -> ExerciseReport:
        report = run_job(
            job, time_limit_s=time_limit_s, memory_limit_mb=memory_limit_mb, on_event=on_event, run_needs=run_needs
        )
        if on_done is not None:
            on_done(report)
        return report

    if workers == 1:
        return [one(job) for job in jobs]
    # Longest first (by the time limit each exercise declares, a budget that grows with its run), so that
    # a one-second training run does not start last and keep one worker busy after the other is done.
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].exercise.time_limit_s)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {i: pool.submit(one, jobs[i]) for i in order}
        return [futures[i].result() for i in range(len(jobs))]
