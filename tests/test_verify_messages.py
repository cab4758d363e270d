"""Failure messages show numbers with the digits that tell them apart, and the tolerance that was used."""

import numpy as np

from app.verify.compare import compare
from app.verify.digits import distinct


def test_close_numbers_get_the_digits_that_separate_them():
    assert distinct(-0.17958764, -0.17958759) == ("-0.17958764", "-0.17958759")
    assert distinct(0.5, 0.25) == ("0.5", "0.25")
    assert distinct(1.0, 1.0) == ("1", "1")
    assert distinct(3, 4) == ("3", "4")


def test_a_float32_answer_to_a_float64_case_reads_as_two_different_numbers():
    expected = np.array([[-0.1795875912345678, 0.25]])
    actual = expected.astype(np.float32).astype(np.float64)
    mismatch = compare(expected, actual, lambda dtype: (1e-10, 1e-12))
    assert mismatch is not None
    got, want = mismatch.message.split(": got ")[1].split(" (tolerance")[0].split(", expected ")
    assert got != want and abs(float(got) - np.float32(-0.1795875912345678)) < 1e-9
    assert "(tolerance rtol 1e-10, atol 1e-12)" in mismatch.message


def test_an_expected_infinity_is_met_only_by_the_same_infinity():
    tol = lambda dtype: (1e-5, 1e-6)  # noqa: E731
    expected = np.array([1.0, np.inf, -np.inf])
    assert compare(expected, expected.copy(), tol) is None
    assert compare(expected, np.array([1.0, 3.0e38, -np.inf]), tol) is not None  # large but finite is not inf
    assert compare(expected, np.array([1.0, np.inf, np.inf]), tol) is not None  # the wrong sign


# -- the learner's output in the wrong form is reported as theirs, never as the checker's exception --


def _run(exercise_id, source, tmp_path):
    from app.verify import registry
    from app.verify.runner import Job, run_job

    exercise = next(e for e in registry.exercises() if e.id == exercise_id)
    path = tmp_path / f"{exercise_id}.py"
    path.write_text(source, encoding="utf-8")
    return run_job(Job(exercise, str(path)))


def test_a_list_where_the_exercise_converts_a_tensor_is_named_with_what_was_expected(tmp_path):
    # ddim's `call` converts the output with .numpy() / .astype: a list made it raise inside the checker.
    report = _run(
        "ddim",
        "from reference_impls.torch.ddim import ddim_step, ddim_sample  # noqa: F401\n\n\n"
        "def ddim_timesteps(T, num_steps):\n    return list(range(T - 1, -1, -(T // num_steps)))[:num_steps]\n",
        tmp_path,
    )
    case = next(c for c in report.failures if c.check == "timesteps")
    assert case.status == "failed" and case.error is None
    assert case.message == "your `ddim_timesteps`'s output is a list of 50; expected a tensor of shape (50,)"


def test_flattened_logits_read_as_the_learners_shape_against_the_expected_one(tmp_path):
    import torch

    from app.verify.diagnosis_form import form_difference

    assert (
        form_difference(
            (torch.zeros(3, 16, 58), torch.tensor(1.0)), (torch.zeros(48, 58), torch.tensor(1.0)), "your logits"
        )
        == "your logits[0] has shape (48, 58); expected (3, 16, 58)"
    )
    assert form_difference({"w": np.zeros(3)}, {"w": np.zeros(3), "b": 1.0}) == (
        "output has other keys (missing [], unexpected ['b'])"
    )
    assert form_difference([np.zeros(2)] * 3, [np.zeros(2)] * 2) == "output has 2 items; expected 3"
    assert form_difference(np.zeros(2), None) == "output is None; expected an array of shape (2,)"


def test_what_the_learners_functions_returned_leaves_out_those_that_raised(tmp_path):
    """A function that exits by an exception has returned nothing: not "your output is None"."""
    from app.verify.checking import load_file
    from app.verify.diagnosis_form import returns

    path = tmp_path / "mine.py"
    path.write_text(
        "def inner(x):\n    return x * 2\n\n"
        "def fails(x):\n    inner(x)\n    raise ValueError('past the end')\n\n"
        "def nothing(x):\n    inner(x)\n"
    )
    module = load_file(path, "mine_returns")

    def run(fn):
        return returns(str(path), lambda: fn(3))

    assert run(module.fails) == []  # `inner` returned into `fails`, inside the file: not recorded either
    assert run(module.nothing) == [("nothing", None)]  # a real None, returned


def test_a_compare_that_cannot_read_the_output_reports_its_form(tmp_path):
    # char_lm's `compare` reads logits and loss from a pair; a bare tensor used to stop the whole run.
    from app.verify.checking import PlannedCase, run_case
    from reference_impls.exercise import Case, Check

    def compare(expected, actual, case):
        logits, loss = actual
        return None if loss > 0 else "loss"

    check = Check("model", "f", lambda: [], compare=compare)
    item = PlannedCase(0, check, Case("c"), (np.zeros((3, 4)), np.float64(1.0)))
    impl = type("Impl", (), {"f": staticmethod(lambda: np.zeros((12,)))})
    result = run_case(item, impl, impl, None, None)
    assert not result["passed"]
    assert result["message"] == "your output is an array of shape (12,); expected a tuple of 2"
