"""Text from YAML, plans and imports is shown, never obeyed by the terminal (issue 18).

The hostile text: an OSC 52 clipboard write, a window-title change and a screen clear, as YAML's
"\\e" escape writes them, a plan or an imported journal carries them, or a row of the database holds
them already. Each face that shows such text (`learn import`, `show`, `status`, `export readme`,
`drill list`, `log list`, the TUI dashboard) is run and its output searched for control characters.
CliRunner's output is not a terminal, so Rich writes no colour codes: any ESC there came from the text.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.db.engine import dispose_engines
from app.terminal_text import safe_text
from tests.conftest import FIXTURES

CLIPBOARD = "\x1b]52;c;cHduZWQ=\x07"  # OSC 52: put "pwned" on the clipboard
TITLE = "\x1b]0;pwned\x1b\\"  # OSC 0: retitle the window (ST-terminated)
CLEAR = "\x1b[2J\x1b[H"  # CSI: clear the screen, cursor home
C1 = "\x9b2J"  # the same clear as one 8-bit C1 control
HOSTILE = CLIPBOARD + TITLE + CLEAR + C1
YAML_HOSTILE = r"\e]52;c;cHduZWQ=\a\e]0;pwned\e\\\e[2J\e[H\x9b2J"  # the same, as YAML double-quoted escapes
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(output: str) -> None:
    assert not CONTROL.search(output), repr(CONTROL.findall(output)[:5])
    assert "52;c;" not in output and "]0;pwned" not in output  # nor the payloads of the sequences


@pytest.fixture
def decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "drills"
    shutil.copytree(FIXTURES / "drills", folder)
    monkeypatch.setenv("LEARN_DRILLS", str(folder))
    return folder


def test_safe_text_drops_sequences_and_keeps_tab_and_newline():
    assert safe_text(f"a{HOSTILE}b") == "ab"
    assert safe_text("col\tcol\nnext line") == "col\tcol\nnext line"
    assert safe_text("one\u2028two\x85three\u2029four") == "one two three four"  # only \n starts a line
    assert safe_text("crlf\r\nand\rcr") == "crlf\nand\ncr"
    assert safe_text("tab\tand\nnewline", one_line=True) == "tab and newline"
    assert safe_text("ünïcode ✔ — 日本") == "ünïcode ✔ — 日本"
    assert safe_text("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") == "link"  # an OSC 8 hyperlink, unasked


def test_curriculum_and_deck_yaml_escapes_are_dropped_when_loaded(cli, curriculum, decks, learn_home):
    alpha = curriculum / "alpha.yaml"
    alpha.write_text(
        alpha.read_text()
        .replace("text: Matrix multiplication", f'text: "Matrix {YAML_HOSTILE}multiplication"')
        .replace("title: Alpha Track", f'title: "Alpha {YAML_HOSTILE}Track"')
    )
    deck = decks / "basics.yaml"
    deck.write_text(deck.read_text().replace("prompt: What is a vector?", f'prompt: "What is a {YAML_HOSTILE}vector?"'))
    faces = {
        "status": cli("status"),
        "show": cli("show", "0.1"),
        "export readme": cli("export", "readme"),
        "drill list": cli("drill", "list"),
    }
    for face, result in faces.items():
        assert result.exit_code == 0, (face, result.output)
        _clean(result.stdout)
    assert "Matrix multiplication" in faces["show"].stdout and "Alpha Track" in faces["status"].stdout
    assert "What is a vector?" in faces["drill list"].stdout
    dispose_engines()
    with sqlite3.connect(learn_home / "learn.db") as conn:
        texts = [
            r[0]
            for r in conn.execute(
                "SELECT text FROM item UNION ALL SELECT title FROM track UNION ALL SELECT prompt FROM drill_card"
            )
        ]
    assert "Matrix multiplication" in texts and not any(CONTROL.search(t) for t in texts)


def test_an_imported_plan_with_escape_sequences(cli, curriculum, tmp_path):
    plan = tmp_path / "plan.md"
    plan.write_text(
        f"# Hostile {HOSTILE}Plan\n\n## Week 1\n\n- [ ] Read {CLIPBOARD}the paper\n- [x] Write{TITLE} code\n",
        encoding="utf-8",
    )
    result = cli("import", str(plan), "--track", "hostile")
    assert result.exit_code == 0, result.output
    _clean(result.stdout)
    written = (curriculum / "hostile.yaml").read_text(encoding="utf-8")
    _clean(written)
    assert "\\e" not in written and "\\x1b" not in written and "Read the paper" in written
    import yaml

    module_id = yaml.safe_load(written)["categories"][0]["modules"][0]["id"]
    for face in (("status",), ("export", "readme"), ("show", module_id)):
        shown = cli(*face)
        assert shown.exit_code == 0, shown.output
        _clean(shown.stdout)


def test_an_imported_journal_with_escape_sequences(cli, curriculum, tmp_path, learn_home):
    record = {
        "id": "0f0e0d0c0b0a09080706050403020101",
        "date": "2026-01-05",
        "module_id": "0.1",
        "module_title": f"Linear {TITLE}Algebra",
        "progress": f"PCA {HOSTILE}done",
        "insight": "",
        "challenge": "",
        "next_steps": "",
        "body": f"line one\n{CLEAR}line two",
        "created_at": "2026-01-05T21:00:00Z",
        "updated_at": "2026-01-05T21:05:00Z",
    }
    data = tmp_path / "data.json"
    data.write_text(
        json.dumps({"format": "learn-data", "version": 1, "exported_at": "2026-01-10T12:00:00Z", "log": [record]}),
        encoding="utf-8",
    )
    assert cli("data", "import", str(data)).exit_code == 0
    for face in (("log", "list"), ("log", "show", record["id"][:8]), ("log", "export")):
        shown = cli(*face)
        assert shown.exit_code == 0, shown.output
        _clean(shown.stdout)
    assert cli.json("log", "show", record["id"][:8])["progress"] == "PCA done"
    assert cli.json("log", "show", record["id"][:8])["body"] == "line one\nline two"  # the newline kept


def _poison_rows(home: Path) -> None:
    """Control sequences written straight into the database, past every loader (an older learn, a hand edit)."""
    dispose_engines()
    with sqlite3.connect(home / "learn.db") as conn:
        conn.execute("UPDATE item SET text = ? WHERE id = '0.1/matmul'", (f"Matrix {HOSTILE}multiplication",))
        conn.execute("UPDATE track SET title = ? WHERE id = 'alpha'", (f"Alpha {HOSTILE}Track",))
        conn.execute("UPDATE module SET title = ? WHERE id = '0.1'", (f"Linear {HOSTILE}Algebra",))
        conn.execute("UPDATE drill_card SET prompt = ? WHERE id = 'basics/pca'", (f"What does {HOSTILE}PCA find?",))
        conn.execute("UPDATE log_entry SET progress = ?", (f"PCA {HOSTILE}done",))


def test_rows_that_hold_sequences_already_are_rendered_safely_by_every_cli_face(cli, curriculum, decks, learn_home):
    assert cli("log", "add", "-m", "0.1", "--progress", "PCA done").exit_code == 0
    assert cli("drill", "list").exit_code == 0  # the decks synced
    _poison_rows(learn_home)
    faces = {
        "status": cli("status"),
        "show": cli("show", "0.1"),
        "export readme": cli("export", "readme"),
        "drill list": cli("drill", "list"),
        "log list": cli("log", "list"),
        "log export": cli("log", "export"),
    }
    for face, result in faces.items():
        assert result.exit_code == 0, (face, result.output)
        _clean(result.stdout)
    assert "Matrix multiplication" in faces["show"].stdout and "PCA done" in faces["log list"].stdout
    with sqlite3.connect(learn_home / "learn.db") as conn:  # still there: the faces cleaned what they showed
        assert CLIPBOARD in conn.execute("SELECT text FROM item WHERE id = '0.1/matmul'").fetchone()[0]


def test_the_tui_dashboard_and_module_screen_render_no_sequences(curriculum, decks, learn_home):
    from app.study.store import open_store
    from app.tui.app import LearnApp
    from app.tui.clock import FrozenClock
    from tests.tui.conftest import FROZEN_AT

    open_store()
    _poison_rows(learn_home)

    def terminal_output(app) -> str:
        update = app.screen._compositor.render_update(full=True)
        return update.render_segments(app.console)

    async def scenario():
        app = LearnApp(open_store(), clock=FrozenClock(FROZEN_AT), poll_seconds=None, cursor_blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            dashboard = terminal_output(app)
            app.open_module("0.1", "0.1/matmul")
            await pilot.pause()
            module = terminal_output(app)
        return dashboard, module

    dashboard, module = asyncio.run(scenario())
    for shown in (dashboard, module):
        # Textual's own output is CSI colour and cursor codes: no OSC, no clear, no 8-bit control.
        assert "\x1b]" not in shown and "\x1b[2J" not in shown and "\x9b" not in shown and "\x07" not in shown
    plain = [re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", shown) for shown in (dashboard, module)]
    assert "Alpha" in plain[0] and "Matrix" in plain[1]  # shown (the layout measured the raw text: maybe cut short)


# -- links -------------------------------------------------------------------------------------------------

BAD_URLS = [
    "file:///etc/passwd",
    "javascript:alert(1)",
    "--renderer-cmd-prefix=touch /tmp/pwned",
    "-https://example.com",
    "https://exa mple.com",
    "https://example.com/\x1b]0;x\x07",
    "http://",
    "data:text/html,x",
    "HTTPS://-flag.example.com",
    "ftp://example.com/file",
]


def test_only_http_links_reach_the_browser():
    from app.links import browser_url

    assert browser_url("https://example.com/pca?x=1#y") == "https://example.com/pca?x=1#y"
    assert browser_url("http://localhost:8888/notebooks") == "http://localhost:8888/notebooks"
    for url in BAD_URLS:
        assert browser_url(url) is None, url


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "--renderer-cmd-prefix=touch /tmp/pwned"])
def test_the_tui_never_opens_a_link_that_is_not_http(curriculum, decks, monkeypatch, url):
    from textual.app import App

    from app.study.store import open_store
    from app.tui.app import LearnApp

    alpha = curriculum / "alpha.yaml"
    alpha.write_text(alpha.read_text().replace("url: https://example.com/pca", f"url: {json.dumps(url)}"))
    opened: list[str] = []
    monkeypatch.setattr(App, "open_url", lambda self, u, new_tab=True: opened.append(u))

    async def scenario():
        app = LearnApp(open_store(), poll_seconds=None, cursor_blink=False)
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.1", "0.1/pca")
            await pilot.pause()
            await pilot.press("o")
            await pilot.pause()
            app.open_url("https://example.com/ok")  # and a good one still opens
            return [n.message for n in app._notifications]

    notices = asyncio.run(scenario())
    assert opened == ["https://example.com/ok"]
    assert any("only http and https links open" in n for n in notices)


# -- track ids, plan lines, deep plans ---------------------------------------------------------------------


@pytest.mark.parametrize("track", ["ml/basics", "archive/../../outside/pwn", "..", "-rf", "a b", "/etc/x"])
@pytest.mark.parametrize("force", [False, True])
def test_a_track_id_is_a_slug(cli, curriculum, tmp_path, learn_home, track, force):
    from tests.conftest import db_snapshot

    plan = tmp_path / "plan.md"
    plan.write_text("# Plan\n\n- [ ] one\n", encoding="utf-8")
    cli("status")
    before, files = db_snapshot(learn_home), sorted(p for p in tmp_path.rglob("*") if "home" not in p.parts)
    result = cli("import", str(plan), "--track", track, *(["--force"] if force else []))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and f"track id {track!r} must be a slug" in lines[0], result.stderr
    assert db_snapshot(learn_home) == before
    assert sorted(p for p in tmp_path.rglob("*") if "home" not in p.parts) == files  # nothing written anywhere


def test_a_track_file_whose_id_is_not_a_slug_is_refused_with_its_line(cli, curriculum):
    (curriculum / "gamma.yaml").write_text("id: ml/basics\ntitle: Gamma\n", encoding="utf-8")
    result = cli("sync")
    assert result.exit_code == 2 and "gamma.yaml:1" in result.stderr and "must be a slug" in result.stderr
    status = cli("status")  # other commands go on without it, with a warning naming the line
    assert status.exit_code == 0 and "gamma.yaml:1" in status.stderr and "must be a slug" in status.stderr


def test_unicode_line_separators_do_not_split_a_plan_item():
    from app.plan_import import import_plan

    plan = "# Plan\n\n## Week 1\n\n- [ ] first\u2028still first\x85and\u2029more\x0cstill\x0bfirst\x1c\n- [ ] second\n"
    track = import_plan(plan, source="plan.md").track
    items = [i.text for c in track.categories for m in c.modules for s in m.sections for i in s.items]
    assert items == ["first still first and more still first", "second"]


@pytest.mark.parametrize("depth", [300, 5000])
def test_a_plan_nested_hundreds_of_levels_is_one_line(cli, curriculum, tmp_path, learn_home, depth):
    from tests.conftest import db_snapshot

    plan = tmp_path / "deep.md"
    plan.write_text("# Deep\n\n" + "".join("  " * n + f"- [ ] level {n}\n" for n in range(depth)), encoding="utf-8")
    cli("status")
    before = db_snapshot(learn_home)
    result = cli("import", str(plan))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "learn: deep.md line 23: a list nested more than 20 levels deep; indent it less "
        "(a curriculum item holds at most that many levels)"
    ]
    assert db_snapshot(learn_home) == before and not list(curriculum.glob("deep*"))


def test_a_plan_nested_twenty_levels_imports_and_loads(cli, curriculum, tmp_path):
    plan = tmp_path / "deep.md"
    plan.write_text("# Deep\n\n" + "".join("  " * n + f"- [ ] level {n}\n" for n in range(20)), encoding="utf-8")
    assert cli("import", str(plan)).exit_code == 0
    assert cli("sync").exit_code == 0


# -- the workspace -----------------------------------------------------------------------------------------


@pytest.fixture
def verify_curriculum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "curriculum"
    folder.mkdir()
    shutil.copy(FIXTURES / "verify_curriculum" / "t.yaml", folder / "t.yaml")
    monkeypatch.setenv("LEARN_CURRICULUM", str(folder))


@pytest.mark.parametrize("link", ["module-0.2", "README.md", "module-0.2/softmax.py"])
@pytest.mark.parametrize("dangling", [True, False])
def test_learn_start_never_writes_through_a_link_out_of_the_workspace(cli, verify_curriculum, tmp_path, link, dangling):
    workspace, outside = tmp_path / "workspace", tmp_path / "outside"
    outside.mkdir()
    target = outside / "target"
    if not dangling:
        target.mkdir() if link == "module-0.2" else target.write_text("theirs\n")
    (workspace / link).parent.mkdir(parents=True, exist_ok=True)
    (workspace / link).symlink_to(target)
    result = cli("start", "softmax")
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1 and "is a link out of the workspace" in result.stderr
    assert sorted(p.name for p in outside.rglob("*")) == ([] if dangling else ["target"])
    if not dangling and target.is_file():
        assert target.read_text() == "theirs\n"
