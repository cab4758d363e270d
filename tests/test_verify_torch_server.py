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
    jobs = [runner.Job(SimpleNamespace(id=k, time_limit_s=v), "x.py") for k, v in limits.items()]
    reports = runner.run_jobs(jobs, workers=2)
    assert [r.id for r in reports] == ["a", "b", "c", "d"]
    assert sorted(started[:2]) == ["b", "d"]
    assert set(started[2:]) == {"a", "c"}
