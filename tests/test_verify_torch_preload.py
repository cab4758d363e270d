"""The fork server of torch exercises: torch is preloaded, and torch.optim's calls into torch._dynamo
are answered by the stand-in (app/verify/sandbox/eager_dynamo.py) instead of a 1.5 s import of the real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.verify import registry
from app.verify.runner import Job, run_jobs, start_method

REFERENCES = Path(__file__).resolve().parents[1] / "reference_impls" / "torch"
PROBE = "import sys\nprint('LOADED', sorted(m for m in ('torch', 'torch._dynamo.utils') if m in sys.modules))\n"


@pytest.mark.skipif(start_method() != "forkserver", reason="the preloads are the fork servers'")
def test_torch_is_preloaded_and_an_optimizer_exercise_never_imports_dynamo(tmp_path):
    jobs = []
    for exercise_id, reference in (("early_stopping", "early_stopping.py"), ("checkpoint_resume", "checkpoint.py")):
        exercise = registry.find(exercise_id)[0]
        path = tmp_path / f"{exercise_id}.py"
        path.write_text(
            PROBE + (REFERENCES / reference).read_text(encoding="utf-8") + "\nimport atexit, sys\n", encoding="utf-8"
        )
        jobs.append(Job(exercise, str(path)))
    plain, optim = run_jobs(jobs)
    assert plain.passed and optim.passed
    assert "LOADED ['torch']" in plain.output.stdout
    assert "LOADED ['torch']" in optim.output.stdout
