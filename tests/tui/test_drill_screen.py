"""Pilot tests: a drill session in the TUI drives app.drill's DrillSession (reviews stored as graded)."""

from __future__ import annotations

import asyncio

from app.drill.code_runner import CheckResult
from app.drill.session import DrillSession
from app.study.store import open_store
from app.tui.screens.drill import DrillScreen
from app.tui.screens.home import HomeScreen
from tests.tui.app_state import settle, shown_text


def reviews() -> list[tuple[str, int, int | None]]:
    from sqlalchemy import text

    with open_store().connect() as conn:
        rows = conn.execute(text("SELECT card_id, rating, duration_ms FROM drill_review ORDER BY rowid")).all()
        conn.rollback()
    return [tuple(row) for row in rows]


def test_d_opens_a_session_space_reveals_and_1_to_4_grade(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("d")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, DrillScreen) and screen.phase == "asking"
            assert screen.session.current.id == "basics/what-is-a-vector"
            assert "What is a vector?" in shown_text(screen.query_one("#drill-prompt"))
            assert shown_text(screen.query_one("#drill-answer")).strip() == ""
            app.clock.advance(12)  # the learner thinks for 12 s
            await pilot.press("space")
            assert screen.phase == "revealed"
            assert "addition" in shown_text(screen.query_one("#drill-answer"))
            grades = shown_text(screen.query_one("#drill-grades"))
            assert "Again" in grades and "Easy" in grades
            await pilot.press("3")
            assert reviews() == [("basics/what-is-a-vector", 3, 12000)]
            assert screen.session.current.id == "basics/matmul-shape" and screen.phase == "asking"
            app.clock.advance(15)  # over this card's 10 s limit: Hard is suggested, enter takes it
            await pilot.press("space")
            assert screen.suggestion == 2
            await pilot.press("enter")
            assert reviews()[-1] == ("basics/matmul-shape", 2, 15000)
            await pilot.press("escape")  # end the session: the summary, the reviews so far are kept
            assert screen.phase == "finished" and app.screen is screen
            summary = " ".join(shown_text(screen.query_one("#drill-prompt")).split())
            assert "Reviewed 2 cards (Hard 1 · Good 1); every review is saved. 6 left for later." in summary
            await pilot.press("escape")
            assert isinstance(app.screen, HomeScreen)
            await settle(app, pilot)
            assert len(reviews()) == 2

    asyncio.run(scenario())


def test_keys_of_another_phase_do_nothing(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("d")
            await settle(app, pilot)
            await pilot.press("3")  # no grading before the answer shows
            assert reviews() == [] and app.screen.phase == "asking"

    asyncio.run(scenario())


def test_a_code_card_is_typed_in_a_python_editor_and_checked_by_the_session(make_app, monkeypatch):
    checked = []

    def check_code(self, code):
        checked.append(code)
        return CheckResult(True, "all 6 inputs match the reference", "hello from softmax\n")

    monkeypatch.setattr(DrillSession, "check_code", check_code)  # the child process is app/drill's, tested there
    monkeypatch.setattr(DrillSession, "warm_up_code", lambda self: None)

    async def scenario():
        from app.drill.queue import QueueQuery

        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_drill(QueueQuery(deck="code"), "Drill code")
            await settle(app, pilot)
            screen = app.screen
            editor = screen.query_one("#drill-code")
            assert screen.phase == "coding" and editor.display and editor.has_focus
            assert editor.language == "python" and "def softmax(x):\n    ...\n" in editor.text
            await pilot.press("3")  # typed into the editor, not a grade
            assert reviews() == [] and "3" in editor.text
            editor.text = "def softmax(x):\n    return x.softmax(-1)\n"
            app.clock.advance(20)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert checked == ["def softmax(x):\n    return x.softmax(-1)\n"]
            assert screen.phase == "revealed" and screen.suggestion == 3
            assert "pass" in shown_text(screen.query_one("#drill-result"))
            assert "hello from softmax" in shown_text(screen.query_one("#drill-result"))
            await pilot.press("enter")
            assert reviews() == [("code/stable-softmax", 3, 20000)]
            assert screen.session.current.id == "code/causal-mask"
            await pilot.press("ctrl+g")  # give up: the answer, Again suggested
            assert screen.suggestion == 1
            await pilot.press("4")  # Easy: out of the session
            # Good on a new card is a learning step due in 10 min: it comes back at the end, as in Anki
            assert screen.session.current.id == "code/stable-softmax" and screen.phase == "coding"
            await pilot.press("ctrl+g", "4")
            assert screen.phase == "finished"
            assert "Reviewed 3 cards (Good 1 · Easy 2)" in shown_text(screen.query_one("#drill-prompt"))

    asyncio.run(scenario())


def test_nothing_due_offers_cram(make_app):
    async def scenario():
        from app.drill.queue import QueueQuery

        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_drill(QueueQuery(deck="basics", new=0), "Drill basics")
            await settle(app, pilot)
            assert app.screen.phase == "empty"
            assert "Nothing to review now" in shown_text(app.screen.query_one("#drill-prompt"))
            await pilot.press("c")
            await settle(app, pilot)
            assert app.screen.phase == "asking"

    asyncio.run(scenario())


def test_module_screen_drills_its_linked_cards_and_hides_the_key_without_cards(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.2")  # no card links to 0.2
            await settle(app, pilot)
            await pilot.press("d")
            assert not isinstance(app.screen, DrillScreen)
            app.open_module("0.1")
            await settle(app, pilot)
            assert app.screen.drill_cards == 4
            await pilot.press("d")
            await settle(app, pilot)
            assert isinstance(app.screen, DrillScreen)
            cards = {card.id for card in app.screen.session.selected}
            assert cards == {"basics/what-is-a-vector", "basics/matmul-shape", "basics/pca", "code/stable-softmax"}

    asyncio.run(scenario())


def test_the_code_editor_opens_on_a_skeleton_with_the_cursor_in_the_body(make_app, monkeypatch):
    monkeypatch.setattr(DrillSession, "warm_up_code", lambda self: None)

    async def scenario():
        from app.drill.queue import QueueQuery

        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_drill(QueueQuery(deck="code"), "Drill code")
            await settle(app, pilot)
            editor = app.screen.query_one("#drill-code")
            compile(editor.text, "skeleton", "exec")  # a valid skeleton
            assert editor.text.splitlines()[2:] == ["def softmax(x):", "    ..."]
            await pilot.press(
                *"if x.dim() > 1:",
                "enter",
                *"y = 1",
                "enter",
                "tab",
                *"# deeper",
                "enter",
                "shift+tab",
                "shift+tab",
                *"return y",
            )
            assert editor.text.splitlines()[2:] == [
                "def softmax(x):",
                "    if x.dim() > 1:",
                "        y = 1",
                "            # deeper",
                "    return y",
            ]

    asyncio.run(scenario())


def test_escape_mid_session_shows_the_summary_before_leaving(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("d")
            await settle(app, pilot)
            screen = app.screen
            await pilot.press("enter")  # enter shows the answer too, as in `learn drill`
            assert screen.phase == "revealed"
            await pilot.press("4", "escape")
            assert screen.phase == "finished" and app.screen is screen
            text = " ".join(shown_text(screen.query_one("#drill-prompt")).split())
            assert text.startswith("Reviewed 1 card (Easy 1); every review is saved.") and "left for later" in text
            await pilot.press("escape")
            assert isinstance(app.screen, HomeScreen)

    asyncio.run(scenario())
