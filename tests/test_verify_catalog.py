"""The exercises' catalog (reference_impls/catalog.toml): what lists an exercise is data, read without
importing any exercise module; the modules take their entry from it and add the checks."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from dataclasses import fields

import pytest

from app import locations
from app.verify import registry
from reference_impls import catalog
from reference_impls.exercise import Exercise, ExerciseInfo, SpecError
from reference_impls.exercises import exercises_of


def test_every_listing_is_its_exercise_without_the_checks():
    listed = registry.listings()
    everything = registry.exercises()
    assert [e.id for e in listed] == [e.id for e in everything]
    for info, exercise in zip(listed, everything, strict=True):
        assert type(info) is ExerciseInfo and not isinstance(info, Exercise)
        assert exercise.info == info
        assert (info.home_module, info.file) == (exercise.home_module, exercise.file)
        assert registry.full(info) is exercise
        assert exercise in exercises_of(sys.modules[registry.module_name(info)])


def test_exercise_modules_declare_no_catalog_field():
    """One source of truth: a module builds its exercises with Exercise.of(info(...)), never Exercise(...)."""
    for path in sorted((locations.REFERENCE_ROOT / "exercises").glob("[!_]*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Exercise":
                pytest.fail(
                    f"{path.name}:{node.lineno}: use Exercise.of(info('<id>'), ...); the catalog holds title, items, ..."
                )


def test_a_module_cannot_restate_a_catalog_field():
    with pytest.raises(TypeError, match="title"):
        Exercise.of(catalog.info("softmax"), title="another title", entry_points=(), checks=())


@pytest.fixture
def catalog_file(tmp_path, monkeypatch):
    path = tmp_path / "catalog.toml"
    monkeypatch.setattr(catalog, "CATALOG", path)
    catalog.infos.cache_clear()
    yield path
    catalog.infos.cache_clear()


@pytest.mark.parametrize(
    "entry, message",
    [
        ('[a]\ntitle = "A"\nitems = ["0.1/x"]\nreference = "r"\ncolour = "red"\n', "[a]: unknown field(s) colour"),
        ('[a]\ntitle = "A"\nreference = "r"\n', "[a]: missing items"),
        ('[a]\ntitle = "A"\nitems = []\nreference = "r"\n', "[a]: items must be a non-empty list of strings"),
        (
            '[a]\ntitle = "A"\nitems = ["0.1/x"]\nreference = "r"\ntime_limit_s = "ten"\n',
            "[a]: time_limit_s must be a number",
        ),
        (
            '[Soft-Max]\ntitle = "A"\nitems = ["0.1/x"]\nreference = "r"\n',
            "[Soft-Max]: exercise id 'Soft-Max' must be snake_case",
        ),
        ('[a]\ntitle = "A"\n[a]\ntitle = "B"\n', "line 3"),
    ],
)
def test_a_broken_entry_is_named(catalog_file, entry, message):
    catalog_file.write_text(entry, encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        catalog.infos()
    assert message in str(raised.value) and "catalog.toml" in str(raised.value)


def test_a_good_entry_gets_the_spec_defaults(catalog_file):
    catalog_file.write_text('[a]\ntitle = "A"\nitems = ["0.2/x", "0.1/y"]\nreference = "r"\ntime_limit_s = 20\n')
    info = catalog.info("a")
    assert info == ExerciseInfo(id="a", title="A", items=("0.2/x", "0.1/y"), reference="r", time_limit_s=20)
    assert (info.needs, info.file, info.source_module) == (("numpy",), "module-0.2/a.py", "reference_impls.exercises.a")
    with pytest.raises(SpecError, match=r"no exercise \[b\]"):
        catalog.info("b")


def test_a_verify_run_imports_neither_numpy_nor_the_other_exercises(tmp_path):
    code = textwrap.dedent("""
        import sys
        from app.cli.main import main
        sys.argv = ["learn", "verify", "--reference", "softmax", "--json"]
        try:
            main()
        except SystemExit:
            pass
        print("PARENT", "numpy" in sys.modules, sorted(m for m in sys.modules if m.startswith("reference_impls.exercises.")))
    """)
    env = {"LEARN_HOME": str(tmp_path / "home"), "LEARN_WORKSPACE": str(tmp_path / "ws"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=locations.REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "PARENT False []"
    assert not (tmp_path / "home" / "cache" / "exercises.json").exists()  # no index of half-filled specs


def test_every_catalog_field_is_a_field_of_the_info():
    assert set(catalog._TYPES) == {f.name for f in fields(ExerciseInfo)} - {"id"}
