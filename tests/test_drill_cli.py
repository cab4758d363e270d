"""`learn drill`, `learn drill list`, `learn drill stats` through the CLI; reviews in data export/import."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, db_snapshot

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def decks(tmp_path: Path, curriculum: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "drills"
    shutil.copytree(FIXTURES / "drills", folder)
    monkeypatch.setenv("LEARN_DRILLS", str(folder))
    return folder


def _review(ratings_by_day: dict[int, list[tuple[str, int]]], today: datetime) -> None:
    """Grade cards through the session API on several days before `today` (days ago -> (card, rating))."""
    from app.db.engine import get_engine
    from app.drill.session import DrillSession
    from app.drill.store import load_cards, load_memories

    engine = get_engine()
    cards = {c.id: c for c in load_cards(engine)}
    for days_ago, grades in sorted(ratings_by_day.items(), reverse=True):
        when = today - timedelta(days=days_ago)
        session = DrillSession(engine, [cards[card_id] for card_id, _ in grades], load_memories(engine, when))
        for _, rating in grades:
            session.grade(rating, when, 5000)


def test_session_through_the_cli(decks, cli, learn_home):
    result = cli("drill", "--deck", "basics", "--limit", "2", input="\n3\n4")
    assert result.exit_code == 0, result.output
    assert "What is a vector?" in result.stdout and "Shape of (2, 3) @ (3, 4)?" in result.stdout
    assert "Reviewed 2 cards (Good 1 · Easy 1); every review is saved. 1 left for later." in " ".join(
        result.stdout.split()
    )
    with sqlite3.connect(learn_home / "learn.db") as conn:
        assert conn.execute("SELECT card_id, rating FROM drill_review ORDER BY rowid").fetchall() == [
            ("basics/what-is-a-vector", 3),
            ("basics/matmul-shape", 4),
        ]


def test_bad_flags_are_one_line_errors_and_change_nothing(decks, cli, learn_home):
    cli("drill", "list")
    before = db_snapshot(learn_home)
    for args, message in [
        (("drill", "--deck", "basic"), "learn: no deck 'basic'; did you mean basics?"),
        (("drill", "--module", "module-9"), "learn: no module 'module-9'"),
        (("drill", "--tag", "shape"), "learn: no tag 'shape'; did you mean shapes?"),
        (("drill", "list", "--deck", "nope"), "learn: no deck 'nope'"),
        (("drill", "--module", "0.2"), "learn: no drill cards link to items of module 0.2"),
    ]:
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.strip().splitlines() == [message] or result.stderr.startswith(message), result.stderr
    assert db_snapshot(learn_home) == before


def test_list_json_shape(decks, cli):
    cli("drill", "--deck", "code", "--limit", "1", input="\nq")  # a blank line: no answer, then quit
    cards = cli.json("drill", "list")["cards"]
    assert [c["id"] for c in cards] == [
        "basics/what-is-a-vector",
        "basics/matmul-shape",
        "basics/pca",
        "basics/kv-cache",
        "code/stable-softmax",
        "code/causal-mask",
    ]
    assert set(cards[0]) == {
        "id",
        "deck",
        "prompt",
        "answer",
        "tags",
        "items",
        "time_limit_s",
        "code",
        "state",
        "due",
        "reviews",
        "lapses",
    }
    assert cards[1] | {"answer": ""} == {
        "id": "basics/matmul-shape",
        "deck": "basics",
        "prompt": "Shape of (2, 3) @ (3, 4)?",
        "answer": "",
        "tags": ["linear-algebra", "shapes"],
        "items": ["0.1/matmul"],
        "time_limit_s": 10,
        "code": None,
        "state": "new",
        "due": None,
        "reviews": 0,
        "lapses": 0,
    }
    assert cards[4]["code"] == {"check": "softmax_last_dim", "function": "softmax"}
    assert [c["id"] for c in cli.json("drill", "list", "--deck", "code")["cards"]] == [
        "code/stable-softmax",
        "code/causal-mask",
    ]


def test_stats_json_shape_and_numbers(decks, cli):
    cli("drill", "list")
    today = datetime.now(UTC).replace(microsecond=0)
    _review(
        {
            20: [("basics/pca", 4)],
            2: [("basics/pca", 3), ("basics/what-is-a-vector", 4)],
            1: [("basics/pca", 1), ("basics/kv-cache", 4)],  # a lapse on a graduated card
            0: [("basics/pca", 3), ("basics/kv-cache", 3)],
        },
        today,
    )
    stats = cli.json("drill", "stats")
    assert set(stats) == {
        "now",
        "cards",
        "due",
        "reviews_per_day",
        "reviews_total",
        "retention",
        "streak_days",
        "weakest",
        "weak_modules",
    }
    assert stats["cards"]["total"] == 6 and stats["cards"]["seen"] == 3 and stats["cards"]["new"] == 3
    assert stats["reviews_total"] == 7 and stats["streak_days"] == 3
    assert len(stats["reviews_per_day"]) == 14 and stats["reviews_per_day"][-1] == {
        "date": today.date().isoformat(),
        "reviews": 2,
        "again": 0,
    }
    assert stats["reviews_per_day"][-2]["again"] == 1
    # reviews of graduated cards in the last 30 days: pca Good (2 d), pca Again (1 d), kv Good (0 d)
    # (pca at 0 d was relearning; first reviews were of new cards)
    assert stats["retention"]["measured_reviews"] == 3 and stats["retention"]["measured"] == pytest.approx(
        2 / 3, abs=1e-3
    )
    assert 0 < stats["retention"]["predicted"] <= 1
    weakest = stats["weakest"][0]
    assert (weakest["id"], weakest["lapses"], weakest["modules"]) == ("basics/pca", 1, ["0.1"])
    assert stats["weak_modules"][0] == {"id": "0.1", "title": "Linear Algebra", "weak_cards": 2}
    dues = [c["due"] for c in cli.json("drill", "list")["cards"] if c["due"]]
    tomorrow = (today + timedelta(days=1)).date().isoformat()
    in_a_week = (today + timedelta(days=7)).date().isoformat()
    assert stats["due"] == {"today": sum(d < tomorrow for d in dues), "this_week": sum(d < in_a_week for d in dues)}
    assert stats["due"]["this_week"] >= 2  # pca after its lapse, what-is-a-vector 8 days after 2 days ago
    human = cli("drill", "stats")
    assert human.exit_code == 0 and "Streak 3 days" in human.stdout and "Weakest cards" in human.stdout


def test_streak_survives_until_todays_first_review(decks, cli):
    cli("drill", "list")
    today = datetime.now(UTC).replace(microsecond=0)
    _review({3: [("basics/pca", 3)], 2: [("basics/kv-cache", 3)], 1: [("basics/what-is-a-vector", 3)]}, today)
    assert cli.json("drill", "stats")["streak_days"] == 3


def test_reviews_in_data_export_and_import(decks, cli, learn_home, tmp_path, monkeypatch):
    cli("drill", "--deck", "basics", input="\n3\n1q")
    exported = tmp_path / "data.json"
    assert cli("data", "export", str(exported)).exit_code == 0
    data = json.loads(exported.read_text())
    assert [(r["card_id"], r["rating"]) for r in data["reviews"]] in (
        [("basics/what-is-a-vector", 3), ("basics/matmul-shape", 1)],
        [("basics/matmul-shape", 1), ("basics/what-is-a-vector", 3)],
    )
    assert set(data["reviews"][0]) == {
        "id",
        "card_id",
        "rating",
        "reviewed_at",
        "duration_ms",
        "state_before",
        "state_after",
    }
    # another machine: its own review, then the import merges (twice changes nothing)
    from app.db.engine import dispose_engines

    dispose_engines()
    monkeypatch.setenv("LEARN_HOME", str(tmp_path / "other-home"))
    cli("drill", "--deck", "basics", "--limit", "1", input="\n4")
    counts = cli.json("data", "import", str(exported))
    assert counts["reviews"] == {"added": 2, "updated": 0, "unchanged": 0}
    assert cli.json("data", "import", str(exported))["reviews"] == {"added": 0, "updated": 0, "unchanged": 2}
    cards = {c["id"]: c for c in cli.json("drill", "list")["cards"]}
    # what-is-a-vector: Easy here and Good there, replayed in time order into one state
    assert cards["basics/what-is-a-vector"]["reviews"] == 2 and cards["basics/matmul-shape"]["reviews"] == 1
    bad = json.loads(exported.read_text())
    bad["reviews"][0]["rating"] = 5
    exported.write_text(json.dumps(bad))
    result = cli("data", "import", str(exported))
    assert (
        result.exit_code == 2
        and "reviews record 1 (id '" in result.stderr
        and "rating is 5; it must be 1, 2, 3 or 4" in result.stderr
    )


def test_drill_commands_import_no_torch(decks, tmp_path):
    code = (
        "import sys; from app.cli.main import app\n"
        "try:\n    app(['drill', 'list', '--json'])\nexcept SystemExit:\n    pass\n"
        "print('torch' in sys.modules, 'numpy' in sys.modules, file=sys.stderr)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stderr.split()[-2:] == ["False", "False"]


def test_terminal_reads_keys_then_code_whole_to_eof(tmp_path, monkeypatch):
    """The real terminal object on a pipe: keys one by one, then the code up to EOF, blank lines
    included (a function with a blank line after its imports is graded whole)."""
    import io
    import os

    from rich.console import Console

    from app.cli.drill_cmds import StdinIO

    read_end, write_end = os.pipe()
    os.write(write_end, b"\n3import math\n\ndef f(x):\n    return x\n\n\ny = 1\n")
    os.close(write_end)
    monkeypatch.setenv("EDITOR", "false")  # not used on a pipe
    monkeypatch.setattr(sys, "stdin", os.fdopen(read_end, "r"))
    terminal = StdinIO(Console(file=io.StringIO()))
    assert terminal.read_key(0.5) == "\n" and terminal.read_key(None) == "3"
    assert terminal.read_code("def f(x):\n    ...\n") == "import math\n\ndef f(x):\n    return x\n\n\ny = 1\n"
    assert terminal.read_key(0.1) == ""  # EOF: the session quits at the next key


@pytest.mark.parametrize(
    "typed, read",
    [
        (b"q\n", None),  # q alone quits
        (b"\n\n", ""),  # blank: no answer, the model answer shows
        (b"# f(x)\ndef f(x):\n    ...\n", ""),  # the skeleton unchanged: no answer
        (b"def f(x):\n    return 2 * x", "def f(x):\n    return 2 * x\n"),
    ],
)
def test_code_on_a_pipe_quits_skips_or_answers(typed, read, monkeypatch):
    import io
    import os

    from rich.console import Console

    from app.cli.drill_cmds import StdinIO

    read_end, write_end = os.pipe()
    os.write(write_end, typed)
    os.close(write_end)
    monkeypatch.setattr(sys, "stdin", os.fdopen(read_end, "r"))
    assert StdinIO(Console(file=io.StringIO())).read_code("# f(x)\ndef f(x):\n    ...\n") == read


def test_code_in_the_editor_starts_from_the_skeleton(tmp_path):
    from app.cli.code_input import edit_in_editor
    from app.drill.skeleton import code_skeleton

    editor = tmp_path / "editor.py"  # an "editor" that keeps the file and writes the body
    editor.write_text(
        "import sys\np = sys.argv[1]\ns = open(p).read()\nopen(p, 'w').write(s.replace('    ...', '    return x'))\n"
    )
    skeleton = code_skeleton("softmax", "softmax(x) -> softmax over the last dim")
    assert skeleton == (
        "# softmax(x) -> softmax over the last dim\n# torch, F, nn, np and math are imported\n"
        "def softmax(x):\n    ...\n"
    )
    assert edit_in_editor(skeleton, [sys.executable, str(editor)]).endswith("def softmax(x):\n    return x\n")


def test_drill_list_keeps_state_and_due_at_80_columns(decks, cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("drill", "list")
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0]
    assert [part.strip() for part in header.split("┃")] == ["Card", "State", "Due (UTC)", "Prompt"]
    rows = result.stdout.splitlines()[2:-1]
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert all(line.split("│")[1].strip() == "new" for line in rows)
