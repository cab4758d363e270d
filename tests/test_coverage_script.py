"""benchmarks/coverage.py: the count of issue 16 runs, and every item it names exists."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

from app.curriculum.load import load_curriculum, walk_items
from app.locations import REPO_ROOT, curriculum_dir
from benchmarks import coverage


def _every_item() -> dict[str, str]:
    """item id -> the kind of its section, over every track."""
    found = {}
    for track_file in load_curriculum(curriculum_dir()):
        for category in track_file.track.categories:
            for module in category.modules:
                for section in module.sections:
                    for item, _depth, _parent in walk_items(section.items):
                        found[item.id] = section.kind
    return found


def test_script_runs_and_prints_the_three_figures_as_json():
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.coverage", "--json"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data["figures"]) == {"overall", "core", "offline"}
    for figure in data["figures"].values():
        assert 0 < figure["ticked"] <= figure["counted"]
    overall, core, offline = (data["figures"][name] for name in ("overall", "core", "offline"))
    assert core["counted"] < overall["counted"] and offline["counted"] < overall["counted"]
    assert data["problems"] == []


def test_every_item_named_exists_and_counted_items_are_build_items():
    items = _every_item()
    result = coverage.count()
    counted = [item.id for item in result.items]
    named = counted + list(result.written)
    assert [item_id for item_id in named if item_id not in items] == []
    assert len(set(named)) == len(named), "an item both counted and left out as a written answer"
    assert set(result.not_offline) <= set(counted)
    for item in result.items:
        assert items[item.id] in ("checks", "capstone", "milestones", "deliverables"), item.id
    assert {item.module for item in result.items if item.core} >= {"1.1", "1.5", "iv-deliverables"}


def test_every_exception_has_a_reason_and_no_ticked_item_is_called_not_offline():
    with coverage.DATA.open("rb") as fh:
        data = tomllib.load(fh)
    for table in ("written", "not_offline"):
        assert data[table], table
        assert all(isinstance(reason, str) and len(reason) > 10 for reason in data[table].values())
    ticked = {item.id for item in coverage.count().items if item.exercises}
    assert not ticked & set(data["not_offline"])


def test_a_bad_id_in_the_data_file_is_a_problem_and_exit_2(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "coverage_items.toml"
    bad.write_text('[written]\n"0.1/no-such-step" = "a typo"\n[not_offline]\n"0.1/step-1" = "ticked already"\n')
    monkeypatch.setattr(coverage, "DATA", bad)
    assert coverage.main([]) == 2
    err = capsys.readouterr().err
    assert "'0.1/no-such-step': no such item" in err
    assert "'0.1/step-1': ticked by" in err
