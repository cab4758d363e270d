"""The exercises' index (app/verify/index.py): what a verify run's parent knows of the exercises
without importing them, kept in LEARN_HOME/cache and rebuilt whenever an exercise module changes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from app import locations
from app.verify import index, registry
from reference_impls.exercises import registry as full_registry


def test_every_listing_carries_what_the_parent_needs_from_its_exercise():
    listed = {e.id: e for e in index.listings()}
    assert list(listed) == list(full_registry())
    for module, exercise in full_registry().values():
        listing = listed[exercise.id]
        for field in (*index.FIELDS, *index.TUPLES, "home_module", "folder", "file"):
            assert getattr(listing, field) == getattr(exercise, field), (exercise.id, field)
        assert index.module_of(exercise.id) == module
        assert registry.full(listing) == exercise


def _forget() -> None:
    """Drop the in-process copies, so the next call reads the file."""
    for cached in (index._entries, index._listings, index._modules):
        cached.cache_clear()


def test_a_stale_or_damaged_index_is_rebuilt(learn_home):
    path = learn_home / "cache" / "exercises.json"
    _forget()
    index.listings()
    assert json.loads(path.read_text())["signature"] == index.signature()
    for damaged in ('{"signature": "an older tree", "exercises": []}', "{not json", '["a list"]'):
        path.write_text(damaged)
        _forget()
        assert [e.id for e in index.listings()] == list(full_registry())
        assert json.loads(path.read_text())["signature"] == index.signature()


def test_the_signature_changes_when_an_exercise_module_is_written(tmp_path, monkeypatch):
    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "a.py").write_text("EXERCISE = None\n")
    monkeypatch.setattr(index, "EXERCISES_DIR", folder)
    before = index.signature()
    (folder / "a.py").write_text("EXERCISE = None  # edited\n")
    assert index.signature() != before
    (folder / "b.py").write_text("")
    assert len({before, index.signature()}) == 2


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
    for _ in range(2):  # the first run writes the index, the second reads it
        done = subprocess.run([sys.executable, "-c", code], cwd=locations.REPO_ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "PARENT False []"
