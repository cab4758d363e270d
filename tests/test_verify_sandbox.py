"""Learner code that misbehaves gets a clear one-line report, and the checker's own guards hold.

Each sandbox case is a softmax file written to a temp folder and run through the real runner (a
child process). The misbehaving files run together, in parallel, once per module.
"""

from __future__ import annotations

import importlib
import textwrap
import time
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from app.verify import checking, registry
from app.verify.compare import all_zero, compare
from app.verify.runner import OUTPUT_LIMIT, Job, run_job, run_jobs
from reference_impls.exercise import TOLERANCES, Case, Check, EntryPoint, Exercise, Probe, SpecError


def D(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


GOOD_BACKWARD = """
def softmax_backward(dout, y, axis=-1):
    return y * (dout - (dout * y).sum(axis=axis, keepdims=True))
"""

GOOD_FORWARD = """
def softmax(x, axis=-1):
    if x.size == 0:
        return x.copy()
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
"""

FILES = {
    "raises": D("""
        import numpy as np

        def helper(x):
            return x[10, 10, 10]

        def softmax(x, axis=-1):
            return helper(x)
        """)
    + GOOD_BACKWARD,
    "syntax_error": D("""
        import numpy as np

        def softmax(x, axis=-1)
            return x
        """),
    "infinite_loop": D("""
        import numpy as np

        def softmax(x, axis=-1):
            while True:
                pass
        """)
    + GOOD_BACKWARD,
    "memory_bomb": D("""
        import numpy as np

        def softmax(x, axis=-1):
            hoard = []
            while True:
                hoard.append(bytearray(10**8))
        """)
    + GOOD_BACKWARD,
    "huge_array": D("""
        import numpy as np

        def softmax(x, axis=-1):
            return np.ones((10**6, 10**5))
        """)
    + GOOD_BACKWARD,
    "sys_exit": D("""
        import sys
        import numpy as np

        def softmax(x, axis=-1):
            sys.exit(3)
        """)
    + GOOD_BACKWARD,
    "exit_at_import": D("""
        import sys
        sys.exit("bye")
        """),
    "os_exit": D("""
        import os
        import numpy as np

        def softmax(x, axis=-1):
            os._exit(7)
        """)
    + GOOD_BACKWARD,
    "segfault": D("""
        import os, signal
        import numpy as np

        def softmax(x, axis=-1):
            os.kill(os.getpid(), signal.SIGSEGV)
        """)
    + GOOD_BACKWARD,
    "print_flood": D("""
        import os
        import numpy as np
        """)
    + GOOD_FORWARD.replace(
        "    if x.size", "    print('spam ' * 20000)\n    os.write(1, b'raw ' * 5000)\n    if x.size"
    )
    + GOOD_BACKWARD,
    "mutates_input": D("""
        import numpy as np

        def softmax(x, axis=-1):
            if x.size == 0:
                return x.copy()
            x -= x.max(axis=axis, keepdims=True)
            np.exp(x, out=x)
            x /= x.sum(axis=axis, keepdims=True)
            return x.copy()
        """)
    + GOOD_BACKWARD,
    "missing_entry_point": D("""
        import numpy as np
        """)
    + GOOD_FORWARD,
    "returns_none": D("""
        import numpy as np

        def softmax(x, axis=-1):
            e = np.exp(x - x.max(axis=axis, keepdims=True))
            e / e.sum(axis=axis, keepdims=True)
        """)
    + GOOD_BACKWARD,
    "recursion": D("""
        import numpy as np

        def softmax(x, axis=-1):
            return softmax(x, axis)
        """)
    + GOOD_BACKWARD,
    "uses_a_helper_file": D("""
        from stable_math import shifted_exp

        def softmax(x, axis=-1):
            if x.size == 0:
                return x.copy()
            e = shifted_exp(x, axis)
            return e / e.sum(axis=axis, keepdims=True)
        """)
    + GOOD_BACKWARD,
    "correct": "import numpy as np\n" + GOOD_FORWARD + GOOD_BACKWARD,
}

TIME_LIMIT_S = 2.0
MEMORY_MB = 256


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _run_all(tmp_path_factory.mktemp("sandbox"))


@cache
def _run_all(folder: Path) -> dict:
    softmax = registry.find("softmax")[0]
    (folder / "stable_math.py").write_text(
        "import numpy as np\n\ndef shifted_exp(x, axis):\n    return np.exp(x - x.max(axis=axis, keepdims=True))\n",
        encoding="utf-8",
    )
    jobs = []
    for name, source in FILES.items():
        path = folder / f"{name}.py"
        path.write_text(source, encoding="utf-8")
        jobs.append(Job(softmax, str(path)))
    started = time.monotonic()
    done = run_jobs(jobs, time_limit_s=TIME_LIMIT_S, memory_limit_mb=MEMORY_MB)
    assert time.monotonic() - started < 20
    return dict(zip(FILES, done, strict=True))


def test_a_learner_file_may_import_its_neighbours(reports):
    assert reports["uses_a_helper_file"].passed, reports["uses_a_helper_file"].error


def test_runaway_recursion_shows_a_short_traceback(reports):
    case = reports["recursion"].failures[0]
    assert case.message.startswith("RecursionError: maximum recursion depth exceeded")
    frames = case.error["traceback"]
    assert len(frames) == 6 and "more frames" in frames[2]["function"]
    assert frames[0] == {"file": "recursion.py", "line": 4, "function": "softmax", "code": "return softmax(x, axis)"}


def test_a_correct_file_passes(reports):
    report = reports["correct"]
    assert report.passed, report.error
    assert report.checks_passed == report.checks_total >= 20
    assert report.error is None and report.hints == []


def test_an_exception_points_at_the_learners_file_and_line(reports):
    report = reports["raises"]
    assert report.status == "failed"
    case = report.failures[0]
    assert case.status == "error"
    assert case.message.startswith("IndexError: too many indices")
    assert case.message.endswith("at raises.py:4")
    frames = case.error["traceback"]
    assert [(f["file"], f["line"], f["function"]) for f in frames] == [
        ("raises.py", 7, "softmax"),
        ("raises.py", 4, "helper"),
    ]
    assert all("numpy" not in f["file"] and "checking" not in f["file"] for f in frames)
    assert all(c.passed for c in report.checks if c.check == "backward")


def test_a_syntax_error_is_one_line_with_the_place(reports):
    report = reports["syntax_error"]
    assert report.status == "error"
    assert report.error == "SyntaxError: expected ':' at syntax_error.py:3"
    assert report.error_detail["traceback"][0]["code"] == "def softmax(x, axis=-1)"
    assert report.checks_total > 0 and report.checks_passed == 0
    assert {c.status for c in report.checks} == {"not_run"}


def test_an_infinite_loop_times_out_naming_the_case(reports):
    report = reports["infinite_loop"]
    assert report.status == "timeout"
    assert report.error == f"timed out after {TIME_LIMIT_S:g} s in forward/random"
    assert report.checks[0].status == "timeout"
    assert report.checks[1].status == "not_run"
    assert report.duration_ms < 1000 * (TIME_LIMIT_S + 2)
    assert any("loop that never ends" in h for h in report.hints)


@pytest.mark.parametrize("name", ["memory_bomb", "huge_array"])
def test_unbounded_allocation_hits_the_memory_limit(reports, name):
    report = reports[name]
    assert report.limits.memory_enforced is True  # Linux; macOS does not enforce RLIMIT_AS
    assert report.status in ("failed", "timeout")
    forward = [c for c in report.checks if c.check == "forward" and c.status == "error"]
    assert forward, report.error
    assert forward[0].message.startswith(f"killed: memory limit {MEMORY_MB} MiB exceeded (MemoryError") or forward[
        0
    ].message.startswith("killed: memory limit 0.25 GiB exceeded (MemoryError")


def test_sys_exit_in_a_function_is_reported_and_the_run_goes_on(reports):
    report = reports["sys_exit"]
    assert report.status == "failed"
    first = report.failures[0]
    assert (
        first.message == "called sys.exit(3) (or exit/quit): the checks need your function to return at sys_exit.py:5"
    )
    assert all(c.passed for c in report.checks if c.check == "backward")


def test_sys_exit_at_import_is_a_load_error(reports):
    report = reports["exit_at_import"]
    assert report.status == "error"
    assert (
        report.error
        == "called sys.exit('bye') (or exit/quit): the checks need your function to return at exit_at_import.py:2"
    )


def test_os_exit_is_reported_not_obeyed(reports):
    report = reports["os_exit"]
    assert report.status == "failed"
    assert report.failures[0].message.startswith("called os._exit(7)")
    assert all(c.passed for c in report.checks if c.check == "backward")


def test_a_crash_names_the_signal_and_the_case(reports):
    report = reports["segfault"]
    assert report.status == "crashed"
    assert report.error == "crashed with SIGSEGV in forward/random"


def test_megabytes_of_prints_are_truncated(reports):
    report = reports["print_flood"]
    assert report.passed, report.error
    out = report.output
    assert out.truncated is True
    assert out.stdout_bytes > 1_000_000
    assert len(out.stdout.encode()) <= OUTPUT_LIMIT
    assert any(h.startswith("output truncated: printed") for h in report.hints)


def test_mutating_an_input_fails_with_a_hint(reports):
    report = reports["mutates_input"]
    assert report.status == "failed"
    case = report.failures[0]
    assert case.mismatch is None  # the values are right...
    assert case.mutated == ["x"]  # ...but the caller's array changed
    assert case.message == "modified input `x` in place"
    assert any(h.startswith("modified its input `x` in place") for h in report.hints)


def test_a_missing_function_and_a_missing_return(reports):
    missing = reports["missing_entry_point"]
    backward = [c for c in missing.checks if c.check == "backward"]
    assert all(c.message == "AttributeError: your file defines no `softmax_backward`" for c in backward)
    none = reports["returns_none"].failures[0]
    assert none.message == "output: returned None (a missing `return`?)"


def test_the_app_is_unharmed_by_a_misbehaving_child(reports, tmp_path):
    # The runner's process is alive and can run the next exercise normally.
    softmax = registry.find("softmax")[0]
    path = tmp_path / "ok.py"
    path.write_text(FILES["correct"], encoding="utf-8")
    assert run_job(Job(softmax, str(path))).passed


def test_a_missing_file_is_reported_not_run(tmp_path):
    softmax = registry.find("softmax")[0]
    report = run_job(Job(softmax, str(tmp_path / "nope.py")))
    assert report.status == "missing"
    assert "learn start module-0.2" in report.error


# -- the checker's own guards ------------------------------------------------------------------------


def _exercise(reference_fn, cases, probes=()):
    """A throwaway exercise whose reference is `reference_fn` (checked in-process with checking.plan)."""
    return Exercise(
        id="scratch",
        title="t",
        items=("0.1/x",),
        reference="unused",
        entry_points=(EntryPoint("f", "(x)", "d"),),
        checks=(Check("c", "f", lambda: cases),),
        probes=probes,
    ), type("Ref", (), {"f": staticmethod(reference_fn)})


def test_a_case_whose_reference_output_is_all_zero_is_rejected():
    exercise, ref = _exercise(lambda x: np.maximum(x, 0), [Case("negatives", (-np.ones(4),))])
    with pytest.raises(SpecError, match="all within tolerance of zero"):
        checking.plan(exercise, ref)


def test_tiny_outputs_count_as_zero_within_tolerance():
    exercise, ref = _exercise(lambda x: x * 1e-9, [Case("tiny", (np.ones(4, dtype="float32"),))])
    with pytest.raises(SpecError, match="all within tolerance of zero"):
        checking.plan(exercise, ref)


def test_zero_ok_cases_need_an_informative_case_beside_them():
    ok = Case("zero", (-np.ones(3),), zero_ok=True)
    exercise, ref = _exercise(lambda x: np.maximum(x, 0), [ok])
    with pytest.raises(SpecError, match="no case with a non-zero"):
        checking.plan(exercise, ref)
    exercise, ref = _exercise(lambda x: np.maximum(x, 0), [ok, Case("mixed", (np.array([-1.0, 2.0]),))])
    assert len(checking.plan(exercise, ref)) == 2


def test_a_reference_that_raises_is_a_spec_error():
    exercise, ref = _exercise(lambda x: 1 / 0, [Case("any", (np.ones(2),))])
    with pytest.raises(SpecError, match="the reference raised ZeroDivisionError"):
        checking.plan(exercise, ref)


def test_the_spec_validates_names():
    with pytest.raises(SpecError, match="snake_case"):
        Exercise(
            id="Soft-Max",
            title="t",
            items=("0.1/x",),
            entry_points=(EntryPoint("f", "(x)", "d"),),
            reference="r",
            checks=(Check("c", "f", list),),
        ).validate()
    with pytest.raises(SpecError, match="unknown entry point"):
        Exercise(
            id="a",
            title="t",
            items=("0.1/x",),
            entry_points=(EntryPoint("f", "(x)", "d"),),
            reference="r",
            checks=(Check("c", "g", list),),
        ).validate()
    with pytest.raises(SpecError, match="exactly one of impl / when"):
        Exercise(
            id="a",
            title="t",
            items=("0.1/x",),
            entry_points=(EntryPoint("f", "(x)", "d"),),
            reference="r",
            checks=(Check("c", "f", list),),
            probes=(Probe("h"),),
        ).validate()


def test_a_probe_that_is_right_on_a_case_gives_no_hint():
    # The "wrong" variant equals the reference on positives, so it must not explain a failure there.
    exercise, ref = _exercise(
        lambda x: np.abs(x),
        [Case("positive", (np.ones(3),)), Case("mixed", (np.array([-1.0, 2.0]),))],
        probes=(Probe("forgot abs", impl={"f": lambda x: x}),),
    )
    planned = checking.plan(exercise, ref)
    assert planned[0].probe_outputs == []
    wrong = type("Learner", (), {"f": staticmethod(lambda x: x * 0 + 5)})
    assert checking.run_case(planned[0], wrong, ref, None, None)["hints"] == []
    learner = type("Learner", (), {"f": staticmethod(lambda x: x)})
    assert checking.run_case(planned[1], learner, ref, None, None)["hints"] == ["forgot abs"]


def test_compare_reports_counts_errors_and_first_indices():
    expected = np.arange(12, dtype="float32").reshape(3, 4) + 1
    actual = expected.copy()
    actual[1, 2] += 0.5
    actual[2, 3] = np.nan
    mismatch = compare(expected, actual, lambda d: TOLERANCES[d])
    assert (mismatch.kind, mismatch.count, mismatch.total, mismatch.nonfinite) == ("values", 2, 12, 1)
    assert mismatch.indices == [[1, 2], [2, 3]]
    assert mismatch.max_abs_error == pytest.approx(0.5)
    assert mismatch.max_rel_error == pytest.approx(0.5 / 7)
    assert mismatch.actual_values[1] == "nan"
    assert compare(expected, expected[:, :3], lambda d: TOLERANCES[d]).kind == "shape"
    assert compare(expected, expected.astype("float64"), lambda d: TOLERANCES[d]).kind == "dtype"
    # Within float32 tolerance: passes; NaN where the reference has NaN: passes.
    assert compare(expected, expected * (1 + 5e-6), lambda d: TOLERANCES[d]) is None
    with_nan = np.array([1.0, np.nan])
    assert compare(with_nan, with_nan.copy(), lambda d: TOLERANCES[d]) is None
    # Structures: the first differing leaf is named.
    found = compare(
        {"dW": np.ones(2), "db": np.ones(1)}, {"dW": np.ones(2), "db": np.zeros(1)}, lambda d: TOLERANCES[d]
    )
    assert found.path == "output['db']"
    assert all_zero((np.zeros(3), 0.0), lambda d: TOLERANCES[d]) and not all_zero(np.zeros(0), lambda d: TOLERANCES[d])


def test_the_child_imports_no_torch_for_a_numpy_exercise(tmp_path):
    # A learner file that reports which heavy modules are loaded when it is imported.
    path = tmp_path / "probe.py"
    path.write_text(
        "import sys\nprint('LOADED', sorted(m for m in ('torch', 'sqlalchemy', 'rich', 'typer') if m in sys.modules))\n"
        + "import numpy as np\n"
        + GOOD_FORWARD
        + GOOD_BACKWARD,
        encoding="utf-8",
    )
    report = run_job(Job(registry.find("softmax")[0], str(path)))
    assert report.passed
    assert "LOADED []" in report.output.stdout
    importlib.import_module("app.verify.child")  # importable in-process too (no side effects)


def test_the_fresh_interpreter_fallback_reports_the_same(tmp_path, monkeypatch):
    # Where there is no fork server (Windows), each child is `python -P -m app.verify.child`.
    monkeypatch.setenv("LEARN_VERIFY_START", "spawn")
    softmax = registry.find("softmax")[0]
    jobs = []
    for name in ("correct", "raises", "infinite_loop", "os_exit", "print_flood"):
        path = tmp_path / f"{name}.py"
        path.write_text(FILES[name], encoding="utf-8")
        jobs.append(Job(softmax, str(path)))
    correct, raises, loop, os_exit, flood = run_jobs(jobs, time_limit_s=TIME_LIMIT_S)
    assert correct.passed and flood.passed and flood.output.truncated
    assert raises.failures[0].message.endswith("at raises.py:4")
    assert loop.error == f"timed out after {TIME_LIMIT_S:g} s in forward/random"
    assert os_exit.failures[0].message.startswith("called os._exit(7)")


def test_a_milestone_check_is_judged_without_running_the_reference():
    def never(x):
        raise AssertionError("the reference of a milestone check must not run")

    def under_one(expected, actual, case):
        assert expected is None
        return None if float(actual) < 1.0 else f"loss {float(actual):.2f} is not under 1.0"

    milestone = Check("milestone", "f", lambda: [Case("run", (np.ones(3),))], compare=under_one, reference_output=False)
    exercise = Exercise(
        id="scratch",
        title="t",
        items=("0.1/x",),
        reference="unused",
        entry_points=(EntryPoint("f", "(x)", "d"),),
        checks=(milestone,),
    )
    exercise.validate()
    planned = checking.plan(exercise, type("Ref", (), {"f": staticmethod(never)}))
    good = type("Learner", (), {"f": staticmethod(lambda x: x.sum() / 10)})
    bad = type("Learner", (), {"f": staticmethod(lambda x: x.sum())})
    assert checking.run_case(planned[0], good, None, None, None)["passed"]
    assert checking.run_case(planned[0], bad, None, None, None)["message"] == "loss 3.00 is not under 1.0"
    with pytest.raises(SpecError, match="needs a `compare`"):
        Exercise(
            id="scratch",
            title="t",
            items=("0.1/x",),
            reference="unused",
            entry_points=(EntryPoint("f", "(x)", "d"),),
            checks=(Check("milestone", "f", list, reference_output=False),),
        ).validate()


def test_a_check_with_an_oracle_never_calls_the_reference_for_its_expected_output():
    def never(x):
        raise AssertionError("the oracle replaces the reference")

    check = Check("c", "f", lambda: [Case("ones", (np.ones(3),))], expected=lambda x: x * 2)
    exercise = Exercise(
        id="scratch",
        title="t",
        items=("0.1/x",),
        reference="unused",
        entry_points=(EntryPoint("f", "(x)", "d"),),
        checks=(check,),
    )
    planned = checking.plan(exercise, type("Ref", (), {"f": staticmethod(never)}))
    np.testing.assert_array_equal(planned[0].expected, [2.0, 2.0, 2.0])
    learner = type("Learner", (), {"f": staticmethod(lambda x: x + 1)})
    assert checking.run_case(planned[0], learner, None, None, None)["passed"]
