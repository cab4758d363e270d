"""Ids a person can type: prefixes and parts of item ids, `learn show ITEM`, track and verify hints,
and shell completion of ids (issue 17)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import db_snapshot

REPO = Path(__file__).resolve().parent.parent


def test_a_unique_prefix_or_part_of_an_item_selects_it(curriculum, cli, learn_home):
    result = cli("check", "0.1/ma")  # a prefix of 0.1/matmul
    assert result.exit_code == 0, result.output
    assert "0.1/matmul" in result.stdout
    assert cli.json("show", "0.1")["sections"][0]["items"][0]["children"][1]["status"] == "done"
    result = cli("doing", "coalesc", "--json")  # a part of beta-cuda/coalescing
    assert result.exit_code == 0, result.output
    assert '"item_id": "beta-cuda/coalescing"' in result.stdout
    result = cli("uncheck", "Matrix multiplication")  # a part of the item's text
    assert result.exit_code == 0 and "0.1/matmul" in result.stdout


def test_several_matches_list_the_candidates_and_change_nothing(curriculum, cli, learn_home):
    cli("status")
    before = db_snapshot(learn_home)
    result = cli("check", "beta-cuda/", "0.1/pca")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "learn: 'beta-cuda/' matches 2 items: beta-cuda/warps, beta-cuda/coalescing; type more of the one you mean"
    ]
    assert db_snapshot(learn_home) == before  # 0.1/pca was not ticked either
    result = cli("check", "0.1/vectorz")
    assert result.exit_code == 2 and "did you mean 0.1/vectors?" in result.stderr
    assert db_snapshot(learn_home) == before


def test_show_an_item_shows_its_module_with_the_item_marked(curriculum, cli):
    result = cli("show", "0.1/mat")
    assert result.exit_code == 0, result.output
    assert "Module 0.1: Linear Algebra" in result.stdout
    marked = [line for line in result.stdout.splitlines() if "▶" in line]
    assert len(marked) == 1 and "0.1/matmul" in marked[0]
    data = cli.json("show", "0.1/matmul")
    assert data["id"] == "0.1" and data["marked_item"] == "0.1/matmul"
    assert "marked_item" not in cli.json("show", "0.1")  # a module's shape is unchanged
    result = cli("show", "module-9")
    assert result.exit_code == 2 and result.stderr.startswith("learn: no module 'module-9'")


def test_unknown_track_lists_the_tracks_and_verify_says_what_to_name(curriculum, cli):
    result = cli("status", "--track", "nope")
    assert result.exit_code == 2
    assert result.stderr.strip() == "learn: no track 'nope' (tracks: alpha, beta)"
    result = cli("verify")
    assert result.exit_code == 2
    assert (
        "name what to verify: a module (learn verify module-0.2), an exercise (learn verify softmax), or --all"
        in result.stderr
    )


def _complete(words: str, env: dict) -> list[str]:
    """What bash completion offers for `words` (the last word is the one being completed)."""
    env = env | {"_LEARN_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
    code = "import sys; sys.argv = ['learn']; from app.cli.main import main; main()"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], env=env, capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert done.returncode == 0, done.stderr
    heavy = [
        line for line in done.stderr.splitlines() if any(f" {m}" in line for m in ("torch", "textual", "sqlmodel"))
    ]
    assert heavy == []  # a Tab must not wait for torch or textual
    return done.stdout.split()


def test_shell_completion_of_ids(curriculum, cli, learn_home, tmp_path):
    cli("status")  # the database the shell completes from
    env = os.environ | {"PYTHONPATH": str(REPO)}
    assert _complete("learn show 0.", env) == ["0.1", "0.2"]
    assert _complete("learn show module-0.", env) == ["module-0.1", "module-0.2"]
    assert _complete("learn show b", env) == ["beta-cuda"]
    assert _complete("learn check beta-cuda/w", env) == ["beta-cuda/warps"]
    assert _complete("learn show 0.1/p", env) == ["0.1/pca"]
    assert _complete("learn status --track a", env) == ["alpha"]
    assert _complete("learn verify softm", env)[:1] == ["softmax"]


def test_completion_without_a_database_offers_nothing(tmp_path):
    env = os.environ | {"PYTHONPATH": str(REPO), "LEARN_HOME": str(tmp_path / "none")}
    assert _complete("learn show 0.", env) == []
    assert not (tmp_path / "none" / "learn.db").exists()
