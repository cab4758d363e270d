"""The CLI and the TUI at once: changes show on refresh (data_version polling, `r`), and never
"database is locked"."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from app.module_view import module_view
from app.progress import set_status
from app.study.store import open_store
from app.tui.data_version import DataVersion
from app.tui.screens.home import HomeScreen
from app.tui.widgets.checklist import Checklist
from tests.tui.app_state import settle

REPO = Path(__file__).resolve().parents[2]


def test_data_version_changes_only_on_another_connections_commit(curriculum, learn_home):
    engine = open_store()
    watch = DataVersion(learn_home / "learn.db")
    assert not watch.changed()
    set_status(engine, ["0.1/pca"], "done")
    assert watch.changed()
    assert not watch.changed()  # once per commit
    watch.close()


def test_a_cli_change_shows_on_the_next_poll(make_app, cli):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.1")
            await settle(app, pilot)
            screen = app.screen
            loads = screen.loaded_generation
            app.poll_database()
            assert screen.loaded_generation == loads  # nothing committed: nothing reloaded
            assert cli("check", "0.1/pca").exit_code == 0
            app.poll_database()
            await pilot.pause()
            assert screen.loaded_generation > loads
            statuses = {item.id: item.status for item, _ in screen.view.walk()}
            assert statuses["0.1/pca"] == "done"
            assert screen.query_one(Checklist)._item_views["0.1/pca"].status == "done"
            await pilot.press("escape")
            tree = app.screen.query_one("ProgressTree")
            assert tree._by_key["alpha"].data.counts.items_done == 2  # the hidden dashboard reloaded on return

    asyncio.run(scenario())


def test_own_writes_are_not_reloaded_twice(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.1")
            await settle(app, pilot)
            await pilot.press("space")
            generation = app.generation
            app.poll_database()
            assert app.generation == generation

    asyncio.run(scenario())


def test_r_rereads_the_yaml_and_a_broken_file_changes_nothing(make_app, curriculum):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("beta-cuda")
            await pilot.pause()
            yaml = curriculum / "beta.yaml"
            streams = "              - id: beta-cuda/streams\n                text: CUDA streams\n"
            yaml.write_text(yaml.read_text() + streams)
            await pilot.press("r")
            await pilot.pause()
            assert [item.id for item, _ in app.screen.view.walk()][-1] == "beta-cuda/streams"
            yaml.write_text("id: beta\ntitle: [unclosed\n")
            await pilot.press("r")
            await pilot.pause()
            assert any(n.severity == "error" for n in app._notifications)
            assert [item.id for item, _ in app.screen.view.walk()][-1] == "beta-cuda/streams"
            await pilot.press("escape")
            assert isinstance(app.screen, HomeScreen)

    asyncio.run(scenario())


CLI_LOOP = """
import sys
from app.cli.main import app
for n in range(int(sys.argv[1])):
    for command in (["check", "0.2/linear"], ["uncheck", "0.2/linear"]):
        try:
            app(command, standalone_mode=False)
        except SystemExit as exc:
            if exc.code:
                raise
print("cli done")
"""


def test_cli_and_tui_write_at_once_without_database_is_locked(make_app, learn_home):
    engine = open_store()
    env = {**os.environ, "LEARN_HOME": str(learn_home), "PYTHONPATH": str(REPO)}

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.1")
            await pilot.pause()
            child = subprocess.Popen(
                [sys.executable, "-c", CLI_LOOP, "25"],
                env=env,
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            toggles = 0
            while child.poll() is None or toggles < 20:
                await pilot.press("space")
                app.poll_database()
                toggles += 1
                if toggles > 400:
                    break
            out, err = child.communicate(timeout=60)
            assert child.returncode == 0, err
            assert "locked" not in err and "cli done" in out
            assert not [n for n in app._notifications if n.severity == "error"]
            shown = app.screen.query_one(Checklist).highlighted_item.status
            stored = {item.id: item.status for item, _ in module_view(engine, "0.1").walk()}
            assert shown == stored["0.1/linear-algebra"]

    asyncio.run(scenario())
