"""Children forked from a preloaded server: ~10 ms to start one instead of ~250 ms for a fresh interpreter.

multiprocessing's fork server is started once per process (the `learn` command, or a test session),
imports numpy and the checking code (`app.verify.child`), and forks one child per exercise. Each child
calls setsid() first (its own process group, killed as a whole on a timeout), puts its stdout and
stderr on our pipes, and runs `child.main`; the server reports its exit status (a negative number
for a signal). Two changes to multiprocessing's defaults: one BLAS thread (set before the server
imports numpy), and no re-import of the parent's `__main__` (the `learn` script, pytest) in the child.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing import context as mp_context
from multiprocessing import popen_forkserver, spawn

PRELOAD = ["app.verify.child"]  # imports numpy, the spec and the checking code, once, before any fork

_lock = threading.Lock()  # one start at a time: the patched preparation data below is process-wide
_context = None


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


class _Popen(popen_forkserver.Popen):
    """multiprocessing's, minus re-importing the parent's __main__ in the child."""

    def _launch(self, process_obj):
        real = spawn.get_preparation_data

        def without_main(name):
            data = real(name)
            data.pop("init_main_from_name", None)
            data.pop("init_main_from_path", None)
            return data

        spawn.get_preparation_data = without_main
        try:
            super()._launch(process_obj)
        finally:
            spawn.get_preparation_data = real


class ServerProcess(mp_context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):  # noqa: N802 - multiprocessing's name
        return _Popen(process_obj)


def _entry(stdout, stderr, results, exercise_module, exercise_id, impl, memory_mb, cwd) -> None:
    from app.verify.child import forked_main

    forked_main(stdout, stderr, results, exercise_module, exercise_id, impl, memory_mb, cwd)


class ForkedChild:
    """One exercise's child; the same interface as runner.SpawnedChild."""

    def __init__(self, exercise_module: str, exercise_id: str, impl: str, memory_mb: int, cwd: str) -> None:
        context = _server_context()
        pipes = [context.Pipe(duplex=False) for _ in range(3)]  # (reader, writer) each
        self._readers = [reader for reader, _ in pipes]
        self.stdout_fd, self.stderr_fd, self.results_fd = (r.fileno() for r in self._readers)
        self.process = ServerProcess(
            target=_entry, args=(*(w for _, w in pipes), exercise_module, exercise_id, impl, memory_mb, cwd),
            name=f"learn-verify-{exercise_id}",
        )
        with _lock:
            self.process.start()
        for _, writer in pipes:
            writer.close()
        self.pid = self.process.pid

    def poll(self) -> int | None:
        return self.process.exitcode

    def kill_group(self) -> None:
        from app.verify.runner import kill_group

        kill_group(self.pid)
        if self.process.exitcode is None:  # killed before its setsid(): not yet a group of its own
            self.process.kill()

    def wait(self) -> int | None:
        self.process.join()
        return self.process.exitcode

    def close(self) -> None:
        for reader in self._readers:
            reader.close()
        self.process.close()


def warm_up() -> None:
    """Start the server now (it imports numpy while the caller syncs the curriculum); returns at once."""
    from multiprocessing import forkserver

    _server_context()
    forkserver.ensure_running()
