"""Children forked from a preloaded server: ~10 ms to start one instead of ~250 ms for a fresh interpreter.

multiprocessing's fork server is started once per process (the `learn` command, or a test session),
imports numpy and the checking code (`app.verify.child`), and forks one child per exercise. Each child
calls setsid() first, puts its stdout and stderr on our pipes, and runs `child.forked_main` (it becomes
the run's supervisor: sandbox/processes.py); the server reports its exit status (a negative number
for a signal). Two changes to multiprocessing's defaults: one BLAS thread (set before the server
imports numpy), and no re-import of the parent's `__main__` (the `learn` script, pytest) in the child.

Exercises that need torch (`needs=("torch",)`) go to a second server, started on the first such job,
that has torch imported as well (1-2 s once, instead of in every child); a run of numpy-only
exercises never imports torch (in a mixed run, launches wait once for the torch server's import).
Where Triton can only be interpreted (no GPU device), a run with kernel exercises has its torch
server preload triton in interpreter mode too (triton_interpreter.py), for every torch job of that run:
one server, not a second that would import torch again. The second server is a
multiprocessing.forkserver.ForkServer of our own: while one child is launched
(under `_lock`), popen_forkserver's `forkserver` module is seen through `_Via`, which sends
connect_to_new_process to that server and everything else to the module.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Collection
from multiprocessing import context as mp_context
from multiprocessing import forkserver, popen_forkserver, spawn

PRELOAD = ["app.verify.child"]  # imports numpy, the spec and the checking code, once, before any fork
TORCH_PRELOAD = [*PRELOAD, "torch"]  # the second server's: for exercises with needs=("torch",)
# Modules an exercise names in `needs` beyond numpy, torch and triton are preloaded too, by a torch server
# of their own, so that the other torch exercises do not pay for them. (torch.optim's use of torch._dynamo
# needs no preload: the children answer it with app/verify/sandbox/eager_dynamo.py's stand-in.)

TRITON_INTERPRETER = "app.verify.sandbox.triton_interpreter"

_lock = threading.Lock()  # one start at a time: the patched preparation data below is process-wide
_context = None
_torch_servers: dict[tuple[str, ...], forkserver.ForkServer] = {}  # extra preloads -> server


def _server_context():
    global _context
    with _lock:
        if _context is None:
            from app.verify.runner import child_environment

            for name, value in child_environment().items():
                if name.endswith("_NUM_THREADS") or name == "VECLIB_MAXIMUM_THREADS":
                    os.environ[name] = value  # inherited by the server before numpy starts its thread pool
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
        return _context


def _server(torch: bool, extra: tuple[str, ...] = ()) -> forkserver.ForkServer:
    """multiprocessing's own server (numpy), or one with torch (and `extra`) imported too (created, not started)."""
    _server_context()
    if not torch:
        return forkserver._forkserver
    with _lock:
        if extra not in _torch_servers:
            _torch_servers[extra] = forkserver.ForkServer()
            _torch_servers[extra].set_forkserver_preload([*TORCH_PRELOAD, *extra])
        return _torch_servers[extra]


def server_for(needs: Collection[str], run_needs: Collection[str] = ()) -> tuple[bool, tuple[str, ...]]:
    """(whether the job forks from a torch server, what that server preloads beyond numpy and torch),
    for a job that needs `needs` in a run whose jobs together need `run_needs`."""
    from app.verify.sandbox.triton_mode import interpreter_only

    torch = "torch" in needs
    extra = [name for name in needs if name not in ("numpy", "torch", "triton")]
    # Never triton itself: its @triton.jit helpers are compiled or interpreted as TRITON_INTERPRET says
    # when it is imported, and only where no GPU can be seen is that known before the fork.
    if torch and "triton" in {*needs, *run_needs} and interpreter_only():
        extra.append(TRITON_INTERPRETER)
    return torch, tuple(extra)


def _start(server: forkserver.ForkServer) -> None:
    """server.ensure_running() with a stderr that has a file descriptor (multiprocessing passes its
    fileno() to the server; under Textual sys.stderr is a capture whose fileno() is -1)."""
    stderr = sys.stderr
    try:
        usable = stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if not usable and sys.__stderr__ is not None:
        sys.stderr = sys.__stderr__
    try:
        server.ensure_running()
    finally:
        sys.stderr = stderr


@atexit.register
def _stop_servers() -> None:
    """At exit, kill the servers rather than let them see the closed "alive" pipe and exit on their own:
    a server with torch imported takes ~0.4 s to tear its interpreter down, all the while holding our
    stdout and stderr open, so that `learn verify --json | jq` (or any caller reading to the end) waited
    for it. A server keeps no state, and every child it forked has been waited for."""
    for server in [forkserver._forkserver, *_torch_servers.values()]:
        pid = server._forkserver_pid
        if pid is None:
            continue
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        server._forkserver_pid = None


class _Via:
    """popen_forkserver's `forkserver` module as seen while launching one child: new processes come from `server`."""

    def __init__(self, server: forkserver.ForkServer) -> None:
        self.connect_to_new_process = server.connect_to_new_process

    def __getattr__(self, name):
        return getattr(forkserver, name)


class _Popen(popen_forkserver.Popen):
    """multiprocessing's, minus re-importing the parent's __main__ in the child, from the server the job needs."""

    def _launch(self, process_obj):
        real = spawn.get_preparation_data

        def without_main(name):
            data = real(name)
            data.pop("init_main_from_name", None)
            data.pop("init_main_from_path", None)
            return data

        spawn.get_preparation_data = without_main
        torch_server = getattr(process_obj, "torch_server", None)
        if torch_server is not None:
            popen_forkserver.forkserver = _Via(_torch_servers[torch_server])
        try:
            super()._launch(process_obj)
        finally:
            spawn.get_preparation_data = real
            popen_forkserver.forkserver = forkserver


class ServerProcess(mp_context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):  # noqa: N802 - multiprocessing's name
        return _Popen(process_obj)


def _entry(stdout, stderr, results, spec, nonce) -> None:
    from app.verify.child import forked_main

    forked_main(stdout, stderr, results, spec, nonce)


class ForkedChild:
    """One exercise's child; the same interface as runner.SpawnedChild. Forked from the server `server_for`
    picks for an exercise that needs `needs`, in a run whose exercises together need `run_needs`."""

    def __init__(self, spec: dict, nonce: str, needs: Collection[str] = (), run_needs: Collection[str] = ()) -> None:
        context = _server_context()
        torch, extra = server_for(needs, run_needs)
        if torch:
            _start(_server(torch=True, extra=extra))
        pipes = [context.Pipe(duplex=False) for _ in range(3)]  # (reader, writer) each
        self._readers = [reader for reader, _ in pipes]
        self.stdout_fd, self.stderr_fd, self.results_fd = (r.fileno() for r in self._readers)
        self.process = ServerProcess(
            target=_entry,
            args=(*(w for _, w in pipes), spec, nonce),
            name=f"learn-verify-{spec['exercise']}",
        )
        self.process.torch_server = extra if torch else None  # read by _Popen._launch; a tuple, so it still pickles
        with _lock:
            self.process.start()
        for _, writer in pipes:
            writer.close()
        self.pid = self.process.pid

    def poll(self) -> int | None:
        return self.process.exitcode

    def kill_tree(self, wait_s: float = 0) -> None:
        """Kill it and all below it, unless it exits within `wait_s` (having killed what it left itself)."""
        from app.verify.sandbox.processes import kill_tree

        if wait_s > 0:
            self.process.join(wait_s)
        if self.process.exitcode is None:
            kill_tree(self.pid)
            self.process.kill()  # killed before its setsid(): not yet a group of its own

    def wait(self) -> int | None:
        self.process.join()
        return self.process.exitcode

    def close(self) -> None:
        for reader in self._readers:
            reader.close()
        self.process.close()


def warm_up(torch: bool = False, needs: Collection[str] = ()) -> None:
    """Start the server now (it imports numpy while the caller syncs the curriculum); with torch=True
    the torch server too, or the one a run needing `needs` (the union of its exercises') will use;
    returns at once (the servers import in the background)."""
    _server_context()
    _start(forkserver._forkserver)
    if torch or "torch" in needs:
        _start(_server(True, server_for({"torch"}, needs)[1]))  # the one a plain torch job of that run uses
