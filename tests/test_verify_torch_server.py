"""The fork server for torch exercises: started only by a job that needs torch, with torch imported in it.

Run in a fresh interpreter (the fork servers are per process and the test session may have started
them already).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.verify.runner import start_method

REPO = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent("""
    import multiprocessing.forkserver as mp_forkserver
    from pathlib import Path

    from app.verify import registry
    from app.verify.sandbox import forkserver
    from app.verify.runner import Job, run_jobs

    def maps(pid):
        return Path(f"/proc/{pid}/maps").read_text()

    def run(exercise_id):
        exercise = next(e for e in registry.exercises() if e.id == exercise_id)
        report = run_jobs([Job(exercise, f"module:{exercise.reference}", "reference")])[0]
        assert report.passed, (exercise_id, report.status, report.error)

    run("softmax")  # numpy only
    assert not forkserver._torch_servers, "a numpy-only job started a torch server"
    numpy_pid = mp_forkserver._forkserver._forkserver_pid
    run("attention")  # needs torch
    run("sliding_window")
    torch_pid = forkserver._torch_servers[()]._forkserver_pid  # () : no extra preloads
    assert torch_pid not in (None, numpy_pid)
    assert "libtorch" in maps(torch_pid), "the torch server has not imported torch"
    assert "libtorch" not in maps(numpy_pid), "the numpy server imported torch"
    run("softmax")  # numpy jobs still go to the numpy server
    print("ok")
""")


@pytest.mark.skipif(
    start_method() != "forkserver" or not Path("/proc/self/maps").exists(), reason="Linux fork servers only"
)
def test_torch_jobs_fork_from_a_server_with_torch_and_numpy_jobs_do_not():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], check=False, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stdout + done.stderr


TRITON_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path

    from app.verify import registry
    from app.verify.runner import Job, run_jobs
    from app.verify.sandbox import forkserver
    from app.verify.sandbox.triton_mode import interpreter_only

    exercises = {e.id: e for e in registry.exercises()}
    jobs = [Job(exercises[i], f"module:{exercises[i].reference}", "reference") for i in ("attention", "triton_vector_add")]
    reports = run_jobs(jobs, workers=2)
    assert all(r.passed for r in reports), [(r.id, r.status, r.error) for r in reports]
    preloads = (forkserver.TRITON_INTERPRETER,) if interpreter_only() else ()
    assert list(forkserver._torch_servers) == [preloads], list(forkserver._torch_servers)
    pid = forkserver._torch_servers[preloads]._forkserver_pid
    if preloads:
        assert "libtriton" in Path(f"/proc/{pid}/maps").read_text(), "triton was not preloaded"
    Path(sys.argv[1]).write_text(str(pid))
""")


@pytest.mark.skipif(
    start_method() != "forkserver" or not Path("/proc/self/maps").exists(), reason="Linux fork servers only"
)
def test_a_run_with_kernels_shares_one_torch_server_that_preloads_the_interpreter_and_is_gone_at_exit(tmp_path):
    """Without a GPU, a run with a Triton exercise has its (one) torch server import triton in
    interpreter mode; and the servers are gone when `learn` exits, not tearing torch down for ~0.4 s
    while holding the caller's stdout open (`learn verify --json | jq` would wait for them)."""
    import os

    pid_file = tmp_path / "server.pid"
    log = tmp_path / "log"
    with log.open("w") as out:
        returncode = subprocess.run(
            [sys.executable, "-c", TRITON_SCRIPT, str(pid_file)], cwd=REPO, stdout=out, stderr=out, timeout=120
        ).returncode
    # Asked the moment the script has exited (a file, not a pipe: reading a pipe to its end would wait
    # for the server too).
    try:
        os.kill(int(pid_file.read_text()), 0)
        server_alive = True
    except (ProcessLookupError, FileNotFoundError):
        server_alive = False
    assert returncode == 0, log.read_text()
    assert not server_alive, "the torch server outlived the process that started it"


def test_jobs_start_longest_budget_first_and_reports_keep_the_job_order(monkeypatch):
    """A one-second training exercise must not start last and keep one worker busy after the others
    are done: jobs start by their declared time limit, longest first; reports come back in job order."""
    import threading
    from types import SimpleNamespace

    from app.verify import runner

    started, lock = [], threading.Lock()

    def fake_run_job(job, **_):
        with lock:
            started.append(job.exercise.id)
        return SimpleNamespace(id=job.exercise.id)

    monkeypatch.setattr(runner, "run_job", fake_run_job)
    limits = {"a": 10.0, "b": 30.0, "c": 10.0, "d": 20.0}
    jobs = [runner.Job(SimpleNamespace(id=k, time_limit_s=v, needs=()), "x.py") for k, v in limits.items()]
    reports = runner.run_jobs(jobs, workers=2)
    assert [r.id for r in reports] == ["a", "b", "c", "d"]
    assert sorted(started[:2]) == ["b", "d"]
    assert set(started[2:]) == {"a", "c"}


def test_interpreter_only_needs_the_variable_or_no_gpu_device_node(monkeypatch, tmp_path):
    """The fork server preloads triton in interpreter mode only where no GPU can be seen: decided from
    TRITON_INTERPRET and the device nodes, never by touching CUDA before a fork."""
    from app.verify.sandbox import triton_mode

    dev = tmp_path / "dev"
    dev.mkdir()
    real_path = triton_mode.Path
    monkeypatch.setattr(triton_mode, "Path", lambda p: dev if p == "/dev" else real_path(p))
    monkeypatch.delenv("TRITON_INTERPRET", raising=False)
    assert triton_mode.interpreter_only()  # no device node
    (dev / "nvidia0").touch()
    assert not triton_mode.interpreter_only()  # maybe a GPU: the child decides
    monkeypatch.setenv("TRITON_INTERPRET", "1")
    assert triton_mode.interpreter_only()
    monkeypatch.setenv("TRITON_INTERPRET", "0")
    (dev / "nvidia0").unlink()
    (dev / "kfd").touch()  # AMD
    assert not triton_mode.interpreter_only()
