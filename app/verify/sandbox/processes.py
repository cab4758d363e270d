"""Every process a run starts ends with the run: a supervisor per run that is a child subreaper.

The process that the runner starts (forked from the fork server, or a fresh interpreter) is the
run's supervisor: it marks itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER, Linux >= 3.4),
forks the worker that runs the checks and the learner's code, and waits. Whatever the worker starts
stays below the supervisor, even a grandchild that calls setsid() and whose parent exits (it is
re-parented to the supervisor, not to init). When the worker ends, for any reason, the supervisor
kills every descendant left, reaps them and exits with the worker's status (a signal as the same
signal). On a timeout the runner does the same from outside (`kill_tree`) while the supervisor is
alive, so no descendant can slip out. The worker gets PR_SET_PDEATHSIG: it dies with its supervisor.

Elsewhere (macOS, no /proc) the worker runs in the supervisor's own process and the runner kills the
process group, which a grandchild that calls setsid() leaves.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
KILL_DEADLINE_S = 5.0  # a fork bomb is killed faster than it forks; this only bounds a stuck kernel


def available() -> bool:
    """A subreaper and a readable process tree: Linux with /proc."""
    return sys.platform == "linux" and hasattr(os, "fork") and Path(f"/proc/{os.getpid()}/task").is_dir()


@functools.cache
def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _prctl(option: int, value: int) -> bool:
    try:
        return _libc().prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def children(pid: int) -> list[int]:
    """The direct children of `pid` (of every thread), from /proc; [] once it is gone."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(p) for p in fh.read().split()]
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, parents before their children."""
    found, queue = [], children(pid)
    while queue:
        child = queue.pop(0)
        found.append(child)
        queue += children(child)
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def kill_descendants(pid: int, reap: bool = False) -> None:
    """SIGKILL every live descendant of `pid` until none is left; reap: we are `pid` (the subreaper)
    and collect the dead too. A process that forks while we kill is found on the next pass."""
    deadline = time.monotonic() + KILL_DEADLINE_S
    while time.monotonic() < deadline:
        living = [p for p in descendants(pid) if _alive(p)]
        for p in living:
            try:
                os.kill(p, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if reap:
            _reap()
        if not living:
            return
        time.sleep(0.001)


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_tree(pid: int) -> None:
    """Kill `pid` (a run's supervisor) and everything below it; its process group as well (the only
    means where there is no /proc)."""
    if available():
        kill_descendants(pid)
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            pass


def supervise(work: Callable[[], None]) -> None:
    """Run `work` in a worker below this process as described above; never returns where it forks
    (exits with the worker's status). Where it cannot, runs `work` here."""
    if not available() or not _prctl(PR_SET_CHILD_SUBREAPER, 1):
        work()
        return
    supervisor = os.getpid()
    worker = os.fork()
    if worker == 0:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != supervisor:  # the supervisor died before the line above
            os._exit(1)
        try:
            work()
        finally:
            os._exit(1)  # work() ends the process itself; this only catches an escape
    # The supervisor holds no pipe of the run: the runner sees them close when the worker's tree is gone.
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, 1 << 20)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    status = 0
    while True:
        try:
            _, status = os.waitpid(worker, 0)
            break
        except ChildProcessError:
            break
    kill_descendants(supervisor, reap=True)
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # the same signal, so the runner names it ("killed (SIGKILL)", "crashed with SIGSEGV")
        if -code not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(-code, signal.SIG_DFL)
        os.kill(supervisor, -code)
        time.sleep(1)
        code = 128 - code
    os._exit(code)
