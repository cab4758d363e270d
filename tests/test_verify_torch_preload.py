"""The fork servers of torch exercises: torch is preloaded for needs=("numpy", "torch"), and torch._dynamo
only where an exercise names it too (the ones that build torch.optim optimizers), never for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.verify import registry
from app.verify.runner import Job, run_jobs, start_method

REFERENCES = Path(__file__).resolve().parents[1] / "reference_impls" / "torch"
PROBE = "import sys\nprint('LOADED', sorted(m for m in ('torch', 'torch._dynamo') if m in sys.modules))\n"


@pytest.mark.skipif(start_method() != "forkserver", reason="the preloads are the fork servers'")
def test_torch_is_preloaded_and_dynamo_only_where_named(tmp_path):
    jobs = []
    for exercise_id, reference in (("early_stopping", "early_stopping.py"), ("checkpoint_resume", "checkpoint.py")):
        exercise = registry.find(exercise_id)[0]
        path = tmp_path / f"{exercise_id}.py"
        path.write_text(PROBE + (REFERENCES / reference).read_text(encoding="utf-8"), encoding="utf-8")
        jobs.append(Job(exercise, str(path)))
    plain, optim = run_jobs(jobs)
    assert plain.passed and optim.passed
    assert "torch._dynamo" not in registry.find("early_stopping")[0].needs
    assert "LOADED ['torch']" in plain.output["stdout"]
    assert "torch._dynamo" in registry.find("checkpoint_resume")[0].needs
    assert "LOADED ['torch', 'torch._dynamo']" in optim.output["stdout"]
