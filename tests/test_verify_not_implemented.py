"""A NotImplementedError is "not implemented yet" only where the learner's own file raised it (the scaffold's
body): one that a library raises from inside their working code (a Triton API its version no longer has, a
torch op without a kernel for a dtype) is reported as it is, not as an unwritten function."""

from __future__ import annotations

from app.verify import registry
from app.verify.runner import Job, run_jobs


def _report(path):
    exercise = next(e for e in registry.exercises() if e.id == "softmax")
    return run_jobs([Job(exercise, str(path))])[0]


def test_a_library_notimplementederror_is_not_called_an_unwritten_function(tmp_path):
    (tmp_path / "lib_missing.py").write_text(
        "def fancy_exp(x):\n    raise NotImplementedError('fancy_exp has been removed in favour of exp')\n"
    )
    learner = tmp_path / "softmax.py"
    learner.write_text(
        f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nfrom lib_missing import fancy_exp\n\n\n"
        "def softmax(x, axis=-1):\n    e = fancy_exp(x - x.max(axis=axis, keepdims=True))\n"
        "    return e / e.sum(axis=axis, keepdims=True)\n"
    )
    report = _report(learner)
    assert not report.passed
    raised = [c for c in report.checks if not c.passed and "has been removed" in c.message]
    assert raised
    assert not any("not implemented yet" in h for c in raised for h in c.hints)


def test_the_learners_own_raise_is_still_not_implemented_yet(tmp_path):
    learner = tmp_path / "softmax.py"
    learner.write_text("def softmax(x, axis=-1):\n    raise NotImplementedError\n")
    report = _report(learner)
    assert any("not implemented yet" in h for c in report.checks for h in c.hints)
