"""`learn import PLAN.md`: a markdown plan becomes a synced curriculum file, or nothing changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.conftest import db_snapshot

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
PLANS = Path(__file__).parent / "fixtures" / "plans"

PLAN = """# Week plan

## Week 1: Tensors

- [x] Broadcasting rules
- [ ] Strides and views
  - [ ] `as_strided` by hand

## Week 2: Autograd

1. Build a scalar autograd **Now**
2. Check it against torch.autograd
"""


def test_import_writes_yaml_syncs_and_keeps_markers(curriculum, cli, tmp_path):
    plan = tmp_path / "weeks.md"
    plan.write_text(PLAN)
    result = cli("import", str(plan), "--track", "weeks", "--json")
    assert result.exit_code == 0, result.stderr
    target = curriculum / "weeks.yaml"
    assert target.exists()
    track = yaml.safe_load(target.read_text())
    assert track["id"] == "weeks" and track["source"] == "weeks.md"
    status = {t["id"]: t for t in cli.json("status")["tracks"]}
    assert status["weeks"]["items_total"] == 5
    assert status["weeks"]["items_done"] == 1 and status["weeks"]["items_in_progress"] == 1
    # The learner can tick the new items by their generated ids.
    module = track["categories"][0]["modules"][0]["id"]
    first = cli.json("show", module)["sections"][0]["items"][1]
    assert first["text"] == "Strides and views"
    assert cli("check", first["id"]).exit_code == 0


def test_import_twice_needs_force(curriculum, cli, tmp_path):
    plan = tmp_path / "weeks.md"
    plan.write_text(PLAN)
    assert cli("import", str(plan), "--track", "weeks").exit_code == 0
    again = cli("import", str(plan), "--track", "weeks")
    assert again.exit_code == 2
    assert "a track 'weeks' exists already" in again.stderr and "--force" in again.stderr
    plan.write_text(PLAN.replace("Broadcasting rules", "Broadcasting rules, again"))
    assert cli("import", str(plan), "--track", "weeks", "--force").exit_code == 0
    assert "Broadcasting rules, again" in (curriculum / "weeks.yaml").read_text()


def test_import_of_a_plan_without_items_changes_nothing(curriculum, cli, tmp_path, learn_home):
    cli("status")
    before = db_snapshot(learn_home)
    files = sorted(p.name for p in curriculum.iterdir())
    plan = tmp_path / "notes.md"
    plan.write_text("# Notes\n\nJust a paragraph, no list.\n")
    result = cli("import", str(plan))
    assert result.exit_code == 2
    assert "notes.md line" in result.stderr and "no list items" in result.stderr
    assert sorted(p.name for p in curriculum.iterdir()) == files
    assert db_snapshot(learn_home) == before


def test_import_of_a_missing_file(curriculum, cli, tmp_path):
    result = cli("import", str(tmp_path / "nope.md"))
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_seed_imported_next_to_the_real_curriculum_gets_fresh_ids(tmp_path, monkeypatch, cli):
    """Importing a plan a second time (its ids are taken) must not collide with the existing track."""
    folder = tmp_path / "curriculum"
    shutil.copytree(Path(__file__).resolve().parent.parent / "curriculum", folder)
    monkeypatch.setenv("LEARN_CURRICULUM", str(folder))
    seed = SEEDS / "002_3775943032f49b87.txt"
    result = cli("import", str(seed), "--track", "inference-copy", "--title", "Inference, again", "--json")
    assert result.exit_code == 0, result.stderr
    tracks = {t["id"]: t for t in cli.json("status")["tracks"]}
    assert tracks["inference-copy"]["items_total"] == tracks["inference"]["items_total"] == 548
    assert tracks["inference-copy"]["title"] == "Inference, again"


def test_every_fixture_plan_imports(curriculum, cli):
    for n, plan in enumerate(sorted(PLANS.glob("*.md"))):
        result = cli("import", str(plan), "--track", f"plan{n}")
        assert result.exit_code == 0, (plan.name, result.stderr)
    assert len(cli.json("status")["tracks"]) == 2 + len(list(PLANS.glob("*.md")))
