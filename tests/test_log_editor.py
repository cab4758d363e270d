"""`learn log add` / `edit` through the learner's editor, played by small scripted fake editors."""

from __future__ import annotations

import shlex
import sqlite3
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import db_snapshot


class FakeEditors:
    """Writes small Python scripts and sets one as $EDITOR; each first copies what it was given to
    `seen` so the test can read the template the learner would have seen."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = folder
        self.monkeypatch = monkeypatch
        self.seen = folder / "seen.md"
        monkeypatch.delenv("VISUAL", raising=False)
        monkeypatch.delenv("EDITOR", raising=False)

    def script(self, name: str, body: str) -> str:
        path = self.folder / f"{name}.py"
        path.write_text(
            "import os, signal, sys\nfrom pathlib import Path\n"
            "draft = Path(sys.argv[-1])\n"
            f"Path({str(self.seen)!r}).write_text(draft.read_text())\n" + textwrap.dedent(body)
        )
        return f"{shlex.quote(sys.executable)} {shlex.quote(str(path))}"

    def use(self, body: str, var: str = "EDITOR") -> None:
        self.monkeypatch.setenv(var, self.script(var.lower(), body))

    def replacing(self, *pairs: tuple[str, str]) -> None:
        """An editor that replaces text in the file, as a learner typing would."""
        self.use(
            "text = draft.read_text()\n"
            f"for old, new in {list(pairs)!r}:\n"
            "    assert old in text, old\n"
            "    text = text.replace(old, new)\n"
            "draft.write_text(text)\n"
        )

    def writing(self, text: str) -> None:
        self.use(f"draft.write_text({text!r})\n")


@pytest.fixture
def editor(tmp_path, monkeypatch) -> FakeEditors:
    folder = tmp_path / "editors"
    folder.mkdir()
    return FakeEditors(folder, monkeypatch)


@pytest.fixture
def clock(monkeypatch):
    """Times the store and progress write, set by the test (they have one-second resolution)."""

    class Clock:
        now = "2026-03-01T10:00:00Z"

    import app.journal.store
    import app.progress

    monkeypatch.setattr(app.progress, "utc_now", lambda: Clock.now)
    monkeypatch.setattr(app.journal.store, "utc_now", lambda: Clock.now)
    return Clock


def _drafts(home: Path) -> list[Path]:
    return sorted((home / "drafts").glob("*.md")) if (home / "drafts").exists() else []


def test_add_fills_the_template_and_saves_what_the_editor_wrote(curriculum, cli, editor, learn_home):
    from app.journal.entry import today

    cli("check", "0.1/pca")
    editor.replacing(
        ("Progress:", "Progress: PCA done via SVD\nthen checked against sklearn"),
        ("# - Done: Exercise 1", "- Done: Exercise 1"),
    )
    result = cli("log", "add", "--json")
    assert result.exit_code == 0, result.output
    seen = editor.seen.read_text()
    assert seen.startswith(f"{today()}: Module 0.1 - Linear Algebra\nProgress:\n# Since you started")
    assert "# - Done: Exercise 1: Implement PCA from scratch (Module 0.1)" in seen
    entry = cli.json("log", "show", result.stdout.split('"id": "')[1][:8])
    assert entry["module_id"] == "0.1" and entry["module_title"] == "Linear Algebra" and entry["date"] == today()
    assert entry["progress"] == (
        "PCA done via SVD\nthen checked against sklearn\n- Done: Exercise 1: Implement PCA from scratch (Module 0.1)"
    )
    assert _drafts(learn_home) == []  # the working file is gone once the entry is stored


def test_the_track_template_is_used_and_the_plans_when_no_track_has_one(curriculum, cli, editor):
    editor.use("pass\n")
    cli("log", "add", "--module", "beta-cuda")  # beta has no log_template: alpha's is the first there is
    assert [line for line in editor.seen.read_text().splitlines() if not line.startswith("#")][1:] == ["Progress:"]
    for track in curriculum.glob("*.yaml"):
        track.write_text(
            track.read_text().replace("log_template: |\n  YYYY-MM-DD: Module X.Y - Title\n  Progress:\n", "")
        )
    cli("log", "add", "--module", "beta-cuda")
    lines = editor.seen.read_text().splitlines()
    assert lines[0].endswith(": Module beta-cuda - CUDA")
    assert [line for line in lines if not line.startswith("#")][1:] == [
        "Progress: [Current status and completed work]",
        "Key Insight: [Major understanding or breakthrough moment]",
        "Challenge: [Current obstacles and approach to resolution]",
        "Next Steps: [Planned actions and goals]",
    ]


def test_activity_since_the_last_entry_items_verify_and_drills(curriculum, cli, editor, clock, learn_home):
    editor.replacing(("Progress:", "Progress: started"))
    clock.now = "2026-03-01T09:00:00Z"
    cli("check", "0.1/pca")
    clock.now = "2026-03-01T10:00:00Z"
    assert cli("log", "add").exit_code == 0
    clock.now = "2026-03-02T09:00:00Z"
    cli("check", "2.1/kv-cache", "0.2/linear")
    clock.now = "2026-03-02T09:30:00Z"
    cli("doing", "0.2/layer")  # started, not done: not in the summary
    with sqlite3.connect(learn_home / "learn.db") as conn:
        reviews = [
            ("r1", "c1", 3, "2026-03-02T08:00:00Z", 60_000),
            ("r2", "c2", 1, "2026-03-02T08:01:00Z", 30_000),
            ("r3", "c1", 4, "2026-03-02T08:02:00+00:00", 30_000),
            ("r0", "c1", 3, "2026-02-28T08:00:00Z", 1),
        ]
        conn.executemany("INSERT INTO drill_review VALUES (?, ?, ?, ?, ?, '{}', '{}')", reviews)
        attempts = [
            ("a0", "adam", 1, 20, 20, "2026-02-28T08:00:00Z"),  # before the last entry
            ("a1", "softmax", 0, 28, 31, "2026-03-02T07:00:00Z"),
            ("a2", "layer_norm", 0, 3, 12, "2026-03-02T07:10:00Z"),
            ("a3", "softmax", 1, 31, 31, "2026-03-02T07:20:00Z"),
        ]  # the latest run of softmax wins
        conn.executemany(
            "INSERT INTO verify_attempt (id, exercise_id, module_id, passed, checks_passed, checks_total, details, "
            "duration_ms, started_at) VALUES (?, ?, '0.2', ?, ?, ?, '{}', 100, ?)",
            attempts,
        )
    editor.use("pass\n")
    assert cli("log", "add").exit_code == 1
    comments = [line for line in editor.seen.read_text().splitlines() if line.startswith("# ")]
    assert comments[:6] == [
        "# Since your last entry (2026-03-01 10:00 UTC); remove the '# ' to keep a line:",
        "# - Done: Step 2: Implement LinearLayer (Module 0.2)",
        "# - Done: KV cache management (Module 2.1)",
        "# - Verified: softmax passed",
        "# - Verify failing: layer_norm (3/12 checks)",
        "# - Drills: 3 reviews of 2 cards, 67% recalled, 2 min",
    ]
    # The module defaults to the one last worked on.
    assert editor.seen.read_text().split("\n", 1)[0].endswith(": Module 0.2 - Backprop")


def test_an_unchanged_template_is_discarded(curriculum, cli, editor, learn_home):
    cli("log", "add", "-m", "first")
    before = db_snapshot(learn_home)
    editor.use("draft.write_text(draft.read_text().replace('\\n', '   \\n') + '# a new comment\\n')\n")
    result = cli("log", "add")
    assert result.exit_code == 1
    assert "the template came back unchanged; entry discarded, nothing saved" in result.stderr
    assert db_snapshot(learn_home) == before and _drafts(learn_home) == []


def test_an_emptied_entry_or_one_with_only_a_new_date_is_discarded(curriculum, cli, editor, learn_home):
    cli("log", "add", "-m", "first")
    before = db_snapshot(learn_home)
    editor.writing("")
    assert "the entry is empty" in cli("log", "add").stderr
    editor.replacing(("2026", "2025"))
    result = cli("log", "add")
    assert result.exit_code == 1 and "the entry is empty" in result.stderr
    assert db_snapshot(learn_home) == before and _drafts(learn_home) == []


def test_a_failing_editor_keeps_the_draft_and_add_from_takes_it_back(curriculum, cli, editor, learn_home):
    cli("log", "add", "-m", "first")
    before = db_snapshot(learn_home)
    editor.use("draft.write_text(draft.read_text().replace('Progress:', 'Progress: half a thought'))\nsys.exit(3)\n")
    result = cli("log", "add", "--module", "2.1")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "learn: the editor '" + sys.executable + "' exited with status 3"
    [draft] = _drafts(learn_home)
    assert lines[1:] == [f"  your draft is saved at {draft}", f"  take it back with: learn log add --from {draft}"]
    assert "Progress: half a thought" in draft.read_text()
    assert db_snapshot(learn_home) == before

    result = cli("log", "add", "--from", str(draft), "--json")
    assert result.exit_code == 0, result.output
    entry = cli.json("log", "list")["entries"][0]
    assert (entry["progress"], entry["module_id"]) == ("half a thought", "2.1")
    assert not draft.exists()  # taken back


def test_a_killed_editor_keeps_the_draft(curriculum, cli, editor, learn_home):
    editor.use(
        "draft.write_text(draft.read_text().replace('Progress:', 'Progress: typed before the crash'))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = cli("log", "add")
    assert result.exit_code == 1
    assert "was killed by SIGKILL" in result.stderr
    [draft] = _drafts(learn_home)
    assert str(draft) in result.stderr and "typed before the crash" in draft.read_text()


def test_text_that_cannot_be_read_back_keeps_the_draft_and_changes_nothing(curriculum, cli, editor, learn_home):
    cli("log", "add", "-m", "first")
    before = db_snapshot(learn_home)
    editor.replacing(("Module 0.1 - Linear Algebra", "Module 0.3 - Nope"), ("Progress:", "Progress: x"))
    result = cli("log", "add", "--module", "0.1")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "learn: the entry's first line: no module '0.3'; did you mean module-0.2?"
    [draft] = _drafts(learn_home)
    assert f"take it back with: learn log add --from {draft}" in result.stderr
    assert db_snapshot(learn_home) == before
    # Fixed in the file, then taken back.
    draft.write_text(draft.read_text().replace("Module 0.3", "Module 0.2"))
    assert cli("log", "add", "--from", str(draft)).exit_code == 0
    assert cli.json("log", "list")["entries"][0]["module_id"] == "0.2"


def test_visual_wins_over_editor_and_editor_may_carry_arguments(curriculum, cli, editor, monkeypatch):
    editor.use("draft.write_text('Progress: from visual')\n", var="VISUAL")
    monkeypatch.setenv("EDITOR", "false")
    assert cli("log", "add").exit_code == 0
    monkeypatch.delenv("VISUAL")
    path = editor.folder / "args.py"
    path.write_text("import sys\nfrom pathlib import Path\nPath(sys.argv[-1]).write_text('Progress: ' + sys.argv[1])\n")
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(path))} --wait")
    assert cli("log", "add").exit_code == 0
    assert [e["progress"] for e in cli.json("log", "list")["entries"]] == ["--wait", "from visual"]


def test_default_editor_and_a_missing_one(curriculum, cli, editor, monkeypatch, learn_home):
    from app.journal.editor import editor_command

    assert editor_command() == ["vi"]
    monkeypatch.setenv("EDITOR", "  ")
    assert editor_command() == ["vi"]
    monkeypatch.setenv("EDITOR", "no-such-editor-here --flag")
    result = cli("log", "add")
    assert result.exit_code == 2
    assert (
        "cannot start the editor 'no-such-editor-here'" in result.stderr and "set $VISUAL or $EDITOR" in result.stderr
    )
    assert _drafts(learn_home) == []
    monkeypatch.setenv("EDITOR", "vim 'unbalanced")
    assert "cannot read $EDITOR" in cli("log", "add").stderr


def test_edit_in_the_editor(curriculum, cli, editor, clock):
    cli("log", "add", "--module", "0.1", "--progress", "one", "--challenge", "#hard\nreally")
    entry = cli.json("log", "list")["entries"][0]
    clock.now = "2026-03-05T10:00:00Z"
    editor.replacing(("Progress: one", "Progress: one, and two\nNext Steps: three"))
    result = cli("log", "edit", entry["id"][:6])
    assert result.exit_code == 0, result.output
    assert "Updated" in result.stdout
    # The track's template asks for Progress only; the entry's other fields come along.
    assert editor.seen.read_text().splitlines()[:4] == [
        f"{entry['date']}: Module 0.1 - Linear Algebra",
        "Progress: one",
        "Challenge: #hard",
        "really",
    ]
    after = cli.json("log", "show", entry["id"])
    assert (after["progress"], after["challenge"], after["next_steps"]) == ("one, and two", "#hard\nreally", "three")
    assert after["created_at"] == entry["created_at"] and after["updated_at"] == "2026-03-05T10:00:00Z"
    # Unchanged: nothing to do, and updated_at stays.
    editor.use("pass\n")
    result = cli("log", "edit", entry["id"][:6])
    assert result.exit_code == 0 and "No changes" in result.stdout
    assert cli.json("log", "show", entry["id"])["updated_at"] == "2026-03-05T10:00:00Z"


def test_edit_moves_an_entry_by_its_header_and_refuses_to_empty_it(curriculum, cli, editor, learn_home):
    cli("log", "add", "--module", "0.1", "--progress", "one")
    short = cli.json("log", "list")["entries"][0]["id"][:8]
    editor.replacing(("Module 0.1 - Linear Algebra", "Module 2.1"))
    cli("log", "edit", short)
    moved = cli.json("log", "show", short)
    assert (moved["module_id"], moved["module_title"]) == ("2.1", "Inference Stack")
    before = db_snapshot(learn_home)
    editor.writing("# all gone\n")
    result = cli("log", "edit", short)
    assert result.exit_code == 1
    assert f"the entry came back empty; {short} is unchanged (`learn log rm {short}` deletes it)" in result.stderr
    assert db_snapshot(learn_home) == before and _drafts(learn_home) == []
    # A failing editor during edit says how to take the draft back into the same entry.
    editor.use("sys.exit(1)\n")
    assert f"learn log edit {short} --from" in cli("log", "edit", short).stderr


def test_an_editor_killed_by_ctrl_c_keeps_the_draft_and_learn_gets_its_handler_back(
    curriculum, cli, editor, learn_home
):
    import signal

    before = signal.getsignal(signal.SIGINT)
    editor.use("signal.signal(signal.SIGINT, signal.SIG_DFL)\nos.kill(os.getpid(), signal.SIGINT)\n")
    result = cli("log", "add")
    assert result.exit_code == 130
    assert "was killed by SIGINT" in result.stderr and len(_drafts(learn_home)) == 1
    assert signal.getsignal(signal.SIGINT) is before
