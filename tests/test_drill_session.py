"""Whole sessions driven with scripted keystrokes and a fake clock; the review log and the due dates
are checked against what the fsrs package computes for the same ratings at the same times."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler
from rich.console import Console

from tests.conftest import FIXTURES

REPO = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Code:
    text: str


class ScriptedIO:
    """The terminal of a session, scripted: str items are keys, numbers are seconds that pass (the
    countdown sees them), Code items answer a code card."""

    def __init__(self, script: list, start: datetime = T0) -> None:
        self.script = deque(script)
        self.start = start
        self.clock = 0.0
        self.statuses: list[str] = []
        self.out = io.StringIO()
        self.console = Console(file=self.out, width=110, highlight=False, color_system=None)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.clock)

    def monotonic(self) -> float:
        return self.clock

    def read_key(self, timeout: float | None) -> str | None:
        if not self.script:
            return ""  # EOF
        item = self.script[0]
        if isinstance(item, (int, float)):
            step = item if timeout is None else min(item, timeout)
            self.clock += step
            if item - step > 1e-9:
                self.script[0] = item - step
            else:
                self.script.popleft()
            return None
        assert isinstance(item, str), f"expected a key, the script has {item!r}"
        self.script.popleft()
        return item

    def read_code(self, template: str) -> str | None:
        while self.script and isinstance(self.script[0], (int, float)):
            self.clock += self.script.popleft()
        item = self.script.popleft() if self.script else "q"
        if item == "q":
            return None
        assert isinstance(item, Code), f"expected code, the script has {item!r}"
        return item.text

    def status(self, text: str) -> None:
        self.statuses.append(text)

    @property
    def text(self) -> str:
        return self.out.getvalue()


@pytest.fixture
def decks(tmp_path: Path, curriculum: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "drills"
    shutil.copytree(FIXTURES / "drills", folder)
    monkeypatch.setenv("LEARN_DRILLS", str(folder))
    return folder


@pytest.fixture
def engine(decks):
    from app.curriculum.sync import sync_curriculum
    from app.db.engine import get_engine
    from app.drill.sync import sync_decks

    engine = get_engine()
    sync_curriculum(engine)
    sync_decks(engine)
    return engine


def run(engine, script: list, start: datetime = T0, time_limit_s: int | None = None, code_limit: float = 1.0, **query):
    """One session of `learn drill` in the terminal face, with a scripted terminal."""
    from app.cli.drill_cmds import run_terminal_session
    from app.drill.queue import QueueQuery
    from app.drill.session import DrillSession

    terminal = ScriptedIO(script, start)
    session = DrillSession.open(engine, QueueQuery(**query), terminal.now(), code_time_limit_s=code_limit)
    try:
        finished = run_terminal_session(session, terminal, time_limit_s)
    finally:
        session.close()
    return session, terminal, finished


def reviews(home: Path) -> list[dict]:
    with sqlite3.connect(home / "learn.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM drill_review ORDER BY reviewed_at, rowid")]


def fsrs_due(ratings_at: list[tuple[int, datetime]]) -> list[datetime]:
    """The due dates the fsrs package itself gives for these ratings (fuzz off, as the app)."""
    scheduler = Scheduler(enable_fuzzing=False)
    card = Card(card_id=1, due=ratings_at[0][1])
    dues = []
    for rating, at in ratings_at:
        card, _ = scheduler.review_card(card, Rating(rating), at)
        dues.append(card.due)
    return dues


def test_scripted_session_stores_reviews_with_fsrs_due_dates(engine, learn_home):
    # card 1: 12 s to answer, Good; card 2: 25 s (over its 10 s limit), Again; card 3: Easy; q on card 4
    script = [12, "\n", "3", 25, "\n", "1", 3, "\n", "4", "q"]
    session, terminal, finished = run(engine, script, deck="basics")
    assert not finished
    rows = reviews(learn_home)
    assert [(r["card_id"], r["rating"], r["duration_ms"]) for r in rows] == [
        ("basics/what-is-a-vector", 3, 12_000),
        ("basics/matmul-shape", 1, 25_000),
        ("basics/pca", 4, 3_000),
    ]
    times = [T0 + timedelta(seconds=12), T0 + timedelta(seconds=37), T0 + timedelta(seconds=40)]
    assert [r["reviewed_at"] for r in rows] == [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in times]
    for row, rating, at in zip(rows, (3, 1, 4), times):
        assert json.loads(row["state_before"])["state"] == "new"
        after = json.loads(row["state_after"])
        assert after["due"] == fsrs_due([(rating, at)])[0].isoformat().replace("+00:00", "Z")
        assert len(row["id"]) == 32 and int(row["id"], 16) >= 0
    # what the learner saw: the prompt, the countdown, the answer, the interval per rating
    assert "What is a vector?" in terminal.text and "An element of a vector space" in terminal.text
    assert "1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d" in terminal.text
    assert "answered in 25 s (limit 10 s)" in terminal.text
    assert "⏱  30 s   Enter or space: show the answer · q: quit" in terminal.statuses
    assert any(s.startswith("⏱  19 s") for s in terminal.statuses)  # 11 s into the first card
    assert "⏱ over by 15 s   Enter or space: show the answer · q: quit" in terminal.statuses  # 25 s on a 10 s card
    assert "→ Good: next review in 10m (again later in this session)" in terminal.text
    assert session.counts() == {"Again": 1, "Hard": 0, "Good": 1, "Easy": 1}


def test_over_time_suggests_hard_and_enter_accepts(engine, learn_home):
    script = [31, "\n", "\n", "q"]  # Enter at the grades takes the suggestion
    _, terminal, _ = run(engine, script, deck="basics")
    assert "2 Hard 6m ◀ Enter" in terminal.text
    assert [r["rating"] for r in reviews(learn_home)] == [2]


def test_days_of_sessions_follow_fsrs_exactly(engine, learn_home):
    """Four sessions over two weeks: every due date is the one fsrs computes, and each session shows
    exactly the cards due that day."""
    from app.drill.store import load_memories

    history: list[tuple[int, datetime]] = []
    start = T0
    for rating in (3, 3, 3, 1, 3):  # one card across five sessions: learning, review, a lapse, relearning
        session, _, _ = run(engine, ["\n", str(rating), "q"], start, deck="basics", new=0 if history else 1)
        graded = session.graded[0]
        assert graded.card.id == "basics/what-is-a-vector" and len(session.graded) == 1
        history.append((rating, datetime.fromisoformat(graded.review.reviewed_at)))
        expected = fsrs_due(history)[-1]
        assert graded.due == expected
        memory = load_memories(engine, start, {"basics/what-is-a-vector"})["basics/what-is-a-vector"]
        assert memory.card.due == expected  # the replay of the stored log agrees
        start = expected + timedelta(minutes=1)  # come back when it is due
    assert (memory.reviews, memory.lapses) == (5, 1)
    # before it is due nothing is shown; on its day it is
    from app.drill.queue import QueueQuery
    from app.drill.session import DrillSession

    not_yet = DrillSession.open(engine, QueueQuery(deck="basics", new=0), start - timedelta(days=1, minutes=2))
    assert not_yet.current is None and not_yet.next_due() == start - timedelta(minutes=1)


def test_again_comes_back_in_the_same_session(engine, learn_home):
    # Again; the other three cards Easy; the first is back (1 min step): Good; back again (10 min step): Good
    script = ["\n", "1", "\n", "4", "\n", "4", "\n", "4", 60, "\n", "3", 600, "\n", "3"]
    session, terminal, finished = run(engine, script, deck="basics")
    assert finished
    first = "basics/what-is-a-vector"
    assert [g.card.id for g in session.graded] == [
        first,
        "basics/matmul-shape",
        "basics/pca",
        "basics/kv-cache",
        first,
        first,
    ]
    assert "card 5 (0 more)" in terminal.text and "card 6 (0 more)" in terminal.text
    rows = [r for r in reviews(learn_home) if r["card_id"] == first]
    assert [json.loads(r["state_after"])["state"] for r in rows] == ["learning", "learning", "review"]
    history = [(r["rating"], datetime.fromisoformat(r["reviewed_at"])) for r in rows]
    assert [json.loads(r["state_after"])["due"] for r in rows] == [
        due.isoformat().replace("+00:00", "Z") for due in fsrs_due(history)
    ]


def test_queue_filters_new_budget_limit_and_cram(engine, learn_home):
    from app.drill.queue import NEW_PER_DAY, QueueQuery
    from app.drill.session import DrillSession
    from app.errors import LearnError

    def ids(when=T0, **query):
        session = DrillSession.open(engine, QueueQuery(**query), when)
        return [c.id for c in session._queue]

    assert ids(tag="shapes") == ["basics/matmul-shape"]
    assert ids(module="module-2.1") == ["basics/kv-cache"]
    assert ids(module="beta-cuda") == ["code/causal-mask"]
    assert ids(limit=2) == ["basics/what-is-a-vector", "basics/matmul-shape"]
    assert ids(new=1, deck="code") == ["code/stable-softmax"]
    with pytest.raises(LearnError, match="no deck 'basic'; did you mean basics"):
        ids(deck="basic")
    with pytest.raises(LearnError, match="no tag 'shape'; did you mean shapes"):
        ids(tag="shape")
    with pytest.raises(LearnError, match="no module 'module-9.9'"):
        ids(module="module-9.9")
    # grade all four basics cards today: the daily budget of new cards shrinks by four
    run(engine, ["\n", "4"] * 4, deck="basics")
    assert NEW_PER_DAY >= 6 and ids(T0 + timedelta(hours=1)) == ["code/stable-softmax", "code/causal-mask"]
    assert ids(T0 + timedelta(hours=1), deck="basics") == []  # all Easy: due in days
    # cram ignores the schedule: seen cards first, weakest (lowest retrievability) first, then new ones
    crammed = ids(T0 + timedelta(days=3), cram=True)
    assert set(crammed[:4]) == {"basics/what-is-a-vector", "basics/matmul-shape", "basics/pca", "basics/kv-cache"}
    assert crammed[4:] == ["code/stable-softmax", "code/causal-mask"]
    assert ids(T0 + timedelta(days=3), cram=True, new=0, limit=3) == crammed[:3]


def test_cram_reviews_update_fsrs(engine, learn_home):
    run(engine, ["\n", "4"], deck="basics", limit=1)
    later = T0 + timedelta(days=1)
    session, _, _ = run(engine, ["\n", "3"], later, deck="basics", cram=True, limit=1)
    rows = reviews(learn_home)
    assert len(rows) == 2 and json.loads(rows[1]["state_before"]) == json.loads(rows[0]["state_after"])
    assert session.graded[0].due == fsrs_due([(4, T0), (3, later)])[-1]


def test_quit_and_eof_keep_completed_reviews(engine, learn_home):
    run(engine, ["\n", "3", "\n"], deck="basics")  # EOF while grading the second card
    assert len(reviews(learn_home)) == 1


def test_failed_write_keeps_the_card_and_its_state(engine, learn_home, monkeypatch):
    from app.drill import session as session_module
    from app.drill.queue import QueueQuery
    from app.drill.session import DrillSession

    session = DrillSession.open(engine, QueueQuery(deck="basics"), T0)
    card = session.current

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(session_module, "record_review", broken)
    with pytest.raises(sqlite3.OperationalError):
        session.grade(3, T0)
    assert session.current == card and session.memory(card, T0).reviews == 0
    monkeypatch.undo()
    assert session.grade(3, T0).card == card and len(reviews(learn_home)) == 1


def test_code_cards_pass_fail_timeout_and_the_session_goes_on(engine, learn_home):
    good = Code(
        "def softmax(x):\n    x = x - x.max(dim=-1, keepdim=True).values\n    return x.exp() / x.exp().sum(-1, keepdim=True)\n"
    )
    endless = Code("def causal_mask(T):\n    while True:\n        pass\n")
    script = [20, good, "\n", endless, "\n", "q"]
    session, terminal, _ = run(engine, script, deck="code", code_limit=1.0)
    assert "✔ pass: all 6 inputs match the reference" in terminal.text
    assert "3 Good 10m ◀ Enter" in terminal.text  # a pass suggests Good
    assert "✘ fail: timed out after 1 s" in terminal.text
    assert "1 Again 1m ◀ Enter" in terminal.text  # a failure suggests Again
    assert [(r["card_id"], r["rating"], r["duration_ms"]) for r in reviews(learn_home)] == [
        ("code/stable-softmax", 3, 20_000),
        ("code/causal-mask", 1, 0),
    ]
    # a wrong answer gets its one-line reason, and `torch` never entered this process for it
    wrong = Code("def softmax(x):\n    return x.exp() / x.exp().sum(-1, keepdim=True)\n")
    _, terminal, _ = run(
        engine, [wrong, "1", "q"], T0 + timedelta(minutes=5), deck="code", cram=True, limit=1, code_limit=2.0
    )
    assert "✘ fail: NaN in the output at" in terminal.text and "(large logits up to 1e4)" in terminal.text


def _learn(*args: str, env: dict, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "app.cli.main", *args], cwd=REPO, env=env, **kwargs)


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT COUNT(*) FROM drill_review").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_kill_9_mid_session_keeps_every_completed_review(decks, curriculum, tmp_path):
    home = tmp_path / "killed"
    env = os.environ | {"LEARN_HOME": str(home), "LEARN_CURRICULUM": str(curriculum), "LEARN_DRILLS": str(decks)}
    child = _learn(
        "drill", "--deck", "basics", env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        for n, keys in enumerate([b"\n3", b"\n4"], 1):
            child.stdin.write(keys)
            child.stdin.flush()
            deadline = time.monotonic() + 60
            while _count(home / "learn.db") < n:
                assert child.poll() is None, child.stderr.read().decode()
                assert time.monotonic() < deadline
                time.sleep(0.02)
        child.stdin.write(b"\n")  # the third card's answer is on screen, not yet graded
        child.stdin.flush()
        time.sleep(0.2)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    with sqlite3.connect(home / "learn.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute("SELECT card_id, rating FROM drill_review ORDER BY rowid").fetchall()
    assert rows == [("basics/what-is-a-vector", 3), ("basics/matmul-shape", 4)]
    listed = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "drill", "list", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    states = {c["id"]: (c["state"], c["reviews"]) for c in json.loads(listed.stdout)["cards"]}
    assert states["basics/what-is-a-vector"] == ("learning", 1)
    assert states["basics/matmul-shape"] == ("review", 1)
    assert states["basics/pca"] == ("new", 0)
