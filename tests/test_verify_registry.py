"""Every exercise in reference_impls, checked by the engine itself (rustlings' `dev check`):
the scaffold fails, the reference passes, every known-wrong solution fails with its hint.

Parametrized from the catalog (reference_impls/catalog.toml), so a new exercise is picked up without
editing this file.
All runs of one exercise happen in one batch of parallel child processes, cached per exercise.
"""

from __future__ import annotations

import inspect
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from app import locations
from app.verify import catalog, registry, scaffold
from app.verify.runner import Job, run_jobs
from reference_impls.exercise import ID_PATTERN

EXERCISES = registry.exercises()
WRONG = [(e.id, w.name) for e in EXERCISES for w in registry.wrong_solutions(e)]


@pytest.fixture(scope="module")
def stub_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stubs")


@cache
def _reports(exercise_id: str, stub_dir: Path) -> dict[str, object]:
    """Reports keyed by "scaffold", "reference" and each wrong solution's name, run as one batch."""
    exercise = next(e for e in EXERCISES if e.id == exercise_id)
    stub = stub_dir / exercise.folder / f"{exercise.id}.py"
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_text(scaffold.stub(exercise) + "# begun\n", encoding="utf-8")  # run as begun (untouched: "not started")
    jobs = {
        "scaffold": Job(exercise, str(stub)),
        "reference": Job(exercise, f"module:{exercise.reference}", "reference"),
    }
    for wrong in registry.wrong_solutions(exercise):
        jobs[wrong.name] = Job(exercise, str(wrong.path), "wrong")
    reports = run_jobs(list(jobs.values()))
    return dict(zip(jobs, reports, strict=True))


def _explain(report) -> str:
    failing = [f"{c.label} [{c.detail}]: {c.message}" for c in report.failures[:5]]
    return (
        f"{report.id} ({report.file}): {report.status}, {report.error}\n  "
        + "\n  ".join(failing)
        + f"\n  hints: {report.hints}"
    )


@pytest.mark.parametrize("exercise_id", [e.id for e in EXERCISES])
def test_reference_passes(exercise_id, stub_dir):
    report = _reports(exercise_id, stub_dir)["reference"]
    assert report.passed, _explain(report)
    assert report.checks_total >= 3


@pytest.mark.parametrize("exercise_id", [e.id for e in EXERCISES])
def test_scaffold_fails_every_check(exercise_id, stub_dir):
    report = _reports(exercise_id, stub_dir)["scaffold"]
    assert report.status == "failed", _explain(report)
    assert report.checks_passed == 0, _explain(report)
    assert any("not implemented yet" in h for h in report.hints)


@pytest.mark.parametrize("exercise_id", [e.id for e in EXERCISES])
def test_the_untouched_stub_is_recognized_and_any_edit_is_not(exercise_id, tmp_path):
    from app.verify.untouched import is_untouched_stub

    exercise = next(e for e in EXERCISES if e.id == exercise_id)
    path = tmp_path / f"{exercise.id}.py"
    path.write_text(scaffold.stub(exercise), encoding="utf-8")
    assert is_untouched_stub(exercise, path)
    path.write_text(scaffold.stub(exercise).replace("# TODO: your code here", "pass  # begun", 1), encoding="utf-8")
    assert not is_untouched_stub(exercise, path)


@pytest.mark.parametrize("exercise_id, wrong", WRONG)
def test_wrong_solution_fails_with_its_hint(exercise_id, wrong, stub_dir):
    solution = next(w for w in registry.wrong_solutions(report_exercise(exercise_id)) if w.name == wrong)
    if solution.interpreter_only and _kernels_compiled():
        pytest.skip(f"only Triton's interpreter catches it: {solution.interpreter_only}")
    report = _reports(exercise_id, stub_dir)[wrong]
    expected = solution.expected_hint
    assert expected, f"reference_impls/wrong/{exercise_id}/{wrong}.py: set EXPECTED_HINT"
    assert not report.passed, f"the wrong solution {wrong} passes every check of {exercise_id}"
    assert any(expected in hint for hint in report.hints), (
        f"expected a hint containing {expected!r}\n{_explain(report)}"
    )


def _kernels_compiled() -> bool:
    """The children run Triton kernels compiled on CUDA (app/verify/sandbox/triton_mode.py), not interpreted."""
    import os

    import torch

    return torch.cuda.is_available() and os.environ.get("TRITON_INTERPRET", "0") in ("", "0")


def report_exercise(exercise_id):
    return next(e for e in EXERCISES if e.id == exercise_id)


# -- the static rules of the spec -------------------------------------------------------------------


def _curriculum_items() -> dict[str, str]:
    """item id -> module id, from the repo's curriculum YAML."""
    found: dict[str, str] = {}

    def walk(items, module_id):
        for item in items or []:
            found[item["id"]] = module_id
            walk(item.get("children"), module_id)

    for path in locations.curriculum_files(locations.REPO_ROOT / "curriculum"):
        track = yaml.safe_load(path.read_text(encoding="utf-8"))
        for category in track.get("categories", []):
            for module in category.get("modules", []):
                for section in module.get("sections", []):
                    walk(section.get("items"), str(module["id"]))
    return found


@pytest.mark.parametrize("exercise_id", [e.id for e in EXERCISES])
def test_exercise_follows_the_spec(exercise_id):
    exercise = report_exercise(exercise_id)
    assert ID_PATTERN.match(exercise.id)
    items = _curriculum_items()
    for item in exercise.items:
        assert item in items, f"{exercise.id}: no curriculum item '{item}' (learn show MODULE --json lists them)"
        assert items[item] == registry.item_module(item), f"{item}: the id's prefix is not its module"
    assert registry.wrong_solutions(exercise), (
        f"{exercise.id}: add a known-wrong solution in reference_impls/wrong/{exercise.id}/"
    )
    if "torch" not in exercise.needs:
        source = Path(inspect.getfile(inspect.getmodule(exercise.checks[0].cases))).read_text(encoding="utf-8")
        assert not re.search(r"^(import torch|from torch)", source, re.M), (
            "import torch inside functions, with needs naming torch in reference_impls/catalog.toml"
        )


@pytest.mark.parametrize("exercise_id", [e.id for e in EXERCISES])
def test_stub_signatures_match_the_reference(exercise_id, tmp_path):
    import importlib
    import importlib.util

    exercise = report_exercise(exercise_id)
    # Imported from a file, not exec'd: @triton.jit reads its kernel's source (inspect.getsourcelines).
    path = tmp_path / f"{exercise.id}.py"
    path.write_text(scaffold.stub(exercise), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"stub_{exercise.id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    namespace = vars(module)
    reference = importlib.import_module(exercise.reference)
    for entry in exercise.entry_points:
        assert hasattr(reference, entry.name), f"{exercise.reference} defines no {entry.name}"
        want, got = getattr(reference, entry.name), namespace[entry.name]
        if entry.kind == "class" and "torch" in exercise.needs:
            import torch

            is_module = issubclass(want, torch.nn.Module)
            assert issubclass(got, torch.nn.Module) == is_module, (
                f"{exercise.id}.{entry.name}: set base='nn.Module' on its EntryPoint"
            )
        pairs = [(want, got)] + [(getattr(want, m.name), getattr(got, m.name)) for m in entry.methods]
        for ref_fn, stub_fn in pairs:
            ref_params = [(p.name, p.default) for p in inspect.signature(ref_fn).parameters.values()]
            stub_params = [(p.name, p.default) for p in inspect.signature(stub_fn).parameters.values()]
            assert stub_params == ref_params, (
                f"{exercise.id}.{entry.name}: stub {stub_params} vs reference {ref_params}"
            )


def test_exercise_ids_are_unique_and_the_registry_finds_softmax():
    ids = [e.id for e in EXERCISES]
    assert len(ids) == len(set(ids))
    assert "softmax" in ids


def test_each_exercise_module_defines_the_exercises_the_catalog_gives_it():
    import importlib

    from reference_impls.exercises import exercises_of

    wanted: dict[str, set[str]] = {}
    for info in registry.listings():
        wanted.setdefault(info.source_module, set()).add(info.id)
    modules = {f"reference_impls.exercises.{p.stem}" for p in (locations.REFERENCE_ROOT / "exercises").glob("[!_]*.py")}
    assert modules == set(wanted), "an exercise module the catalog names no exercise of, or a missing one"
    for name, ids in wanted.items():
        assert {e.id for e in exercises_of(importlib.import_module(name))} == ids, name


def test_readme_table_is_current():
    current = catalog.README.read_text(encoding="utf-8")
    assert current == catalog.rendered(current), (
        "reference_impls/README.md is out of date: run `python -m app.verify.catalog`"
    )
