"""`learn start` and `learn verify` end to end: files, exit codes, JSON, stored attempts, ticks, `learn show`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.verify import registry
from tests.conftest import db_snapshot

# The two modules the softmax exercise links to, with its two items (and one unrelated item);
# shared with the TUI verify tests.
CURRICULUM = (Path(__file__).parent / "fixtures" / "verify_curriculum" / "t.yaml").read_text(encoding="utf-8")

SOLUTION = Path(__file__).resolve().parents[1] / "reference_impls" / "numpy" / "softmax.py"
SOFTMAX_ITEMS = [
    "iv-deliverables/sigmoid-relu-softmax-from-scratch-numpy",
    "0.2/activation-functions-relu-sigmoid-tanh",
]


@pytest.fixture(autouse=True)
def only_softmax(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the engine: the registry holds softmax alone (other exercises come and go)."""
    softmax = next(e for e in registry.exercises() if e.id == "softmax")
    monkeypatch.setattr(registry, "exercises", lambda: [softmax])
    monkeypatch.setattr(registry, "listings", lambda: [softmax])


@pytest.fixture
def curriculum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "curriculum"
    folder.mkdir()
    (folder / "t.yaml").write_text(CURRICULUM, encoding="utf-8")
    monkeypatch.setenv("LEARN_CURRICULUM", str(folder))
    return folder


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "workspace"  # conftest points LEARN_WORKSPACE here


def _rows(home: Path, query: str) -> list[tuple]:
    with sqlite3.connect(home / "learn.db") as conn:
        return conn.execute(query).fetchall()


def _begin(workspace: Path) -> None:
    """Edit the stub a little: still raising NotImplementedError, but no longer untouched."""
    stub = workspace / "module-0.2" / "softmax.py"
    stub.write_text(stub.read_text(encoding="utf-8") + "# begun\n", encoding="utf-8")


def _statuses(cli) -> dict[str, str]:
    found = {}
    for module in ("0.2", "iv-deliverables"):
        view = cli.json("show", module)
        stack = [i for s in view["sections"] for i in s["items"]]
        while stack:
            item = stack.pop()
            found[item["id"]] = item["status"]
            stack.extend(item.get("children", []))
    return found


def test_start_writes_stubs_and_a_readme_and_keeps_learner_files(cli, curriculum, workspace):
    result = cli("start", "module-0.2")
    assert result.exit_code == 0, result.output
    stub = workspace / "module-0.2" / "softmax.py"
    assert "created" in result.stdout and "softmax.py" in result.stdout
    text = stub.read_text(encoding="utf-8")
    assert "def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:" in text
    assert "raise NotImplementedError" in text and "# TODO" in text
    assert (workspace / "README.md").is_file()

    stub.write_text("# my work\n", encoding="utf-8")
    again = cli("start", "module-0.2")
    assert again.exit_code == 0
    assert "kept your file" in again.stdout
    assert stub.read_text(encoding="utf-8") == "# my work\n"

    data = cli.json("start", "softmax")
    assert data["files"] == [
        {
            "id": "softmax",
            "title": "Stable softmax, forward and backward",
            "module_id": "0.2",
            "file": str(stub),
            "created": False,
            "items": SOFTMAX_ITEMS,
            "entry_points": ["softmax", "softmax_backward"],
        }
    ]


def test_start_and_verify_reject_unknown_targets_with_a_suggestion(cli, curriculum):
    result = cli("start", "sofmax")
    assert result.exit_code == 2
    assert "no exercise or module 'sofmax'; did you mean softmax?" in result.stderr
    result = cli("verify", "modul-0.2")
    assert result.exit_code == 2 and "did you mean" in result.stderr
    result = cli("verify", "2.1")
    assert result.exit_code == 2
    assert "module module-2.1 has no exercises yet" in result.stderr


@pytest.mark.parametrize(
    "args", [[], ["softmax", "--all"], ["softmax", "--watch", "--json"], ["softmax", "--reference", "--watch"]]
)
def test_verify_bad_usage_exits_2(cli, curriculum, args):
    result = cli("verify", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("learn: ")


def test_verify_before_start_says_what_to_run(cli, curriculum):
    result = cli("verify", "module-0.2")
    assert result.exit_code == 2
    assert "run `learn start module-0.2`" in result.stderr


def test_a_failing_then_passing_attempt_is_stored_and_ticks_the_items(cli, curriculum, workspace, learn_home):
    cli("start", "module-0.2")
    _begin(workspace)
    failed = cli("verify", "module-0.2")
    assert failed.exit_code == 1
    assert "not implemented yet" in failed.stdout
    assert _statuses(cli)["0.2/activation-functions-relu-sigmoid-tanh"] == "todo"

    (workspace / "module-0.2" / "softmax.py").write_text(SOLUTION.read_text(encoding="utf-8"), encoding="utf-8")
    passed = cli("verify", "iv-deliverables")  # the same exercise, found through its other module
    assert passed.exit_code == 0, passed.output
    assert "✔ ticked 0.2/activation-functions-relu-sigmoid-tanh" in passed.stdout
    statuses = _statuses(cli)
    assert all(statuses[i] == "done" for i in SOFTMAX_ITEMS)
    assert statuses["0.2/other"] == "todo"

    rows = _rows(
        learn_home,
        "SELECT exercise_id, module_id, passed, checks_passed, checks_total, duration_ms, "
        "started_at, source_hash, details, id FROM verify_attempt ORDER BY rowid",
    )
    assert [(r[0], r[1], r[2]) for r in rows] == [("softmax", "0.2", 0), ("softmax", "0.2", 1)]
    first, second = rows
    assert first[3] == 0 and second[3] == second[4] == first[4] > 20
    assert all(r[5] > 0 and r[6].endswith("Z") and len(r[7]) == 16 and len(r[9]) == 32 for r in rows)
    assert first[7] != second[7]  # a different file
    assert json.loads(first[8])["status"] == "failed"

    show = cli.json("show", "0.2")
    assert show["exercises"][0]["id"] == "softmax"
    assert show["exercises"][0]["file"] == str(workspace / "module-0.2" / "softmax.py")
    last = show["exercises"][0]["last"]
    assert last["passed"] is True and last["checks_passed"] == last["checks_total"] == second[4]
    human = cli("show", "0.2")
    assert "Exercises" in human.stdout and "✔ passed" in human.stdout
    assert cli.json("show", "2.1")["exercises"] == []


def test_verify_json_has_a_stable_shape(cli, curriculum, workspace):
    cli("start", "softmax")
    _begin(workspace)
    result = cli("verify", "softmax", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"reference", "passed", "summary", "exercises", "ticked", "waiting", "attempt_ids"}
    assert data["passed"] is False and data["reference"] is False and len(data["attempt_ids"]) == 1
    assert set(data["summary"]) == {"exercises", "exercises_passed", "checks", "checks_passed", "not_started"}
    exercise = data["exercises"][0]
    assert set(exercise) == {
        "id",
        "title",
        "module_id",
        "file",
        "impl",
        "status",
        "passed",
        "checks_passed",
        "checks_total",
        "duration_ms",
        "started_at",
        "source_hash",
        "error",
        "error_detail",
        "hints",
        "checks",
        "output",
        "limits",
        "timing",
    }
    assert exercise["timing"] is None  # GPU timings: kernel exercises only (tests/test_verify_kernels.py)
    check = exercise["checks"][0]
    assert set(check) == {
        "index",
        "check",
        "case",
        "entry",
        "label",
        "detail",
        "seed",
        "note",
        "inputs",
        "passed",
        "status",
        "message",
        "mismatch",
        "error",
        "hints",
        "mutated",
        "duration_ms",
    }
    assert check["inputs"][0] == {"name": "x", "shape": [4, 7], "dtype": "float32"}
    assert check["error"]["traceback"][-1]["code"] == "raise NotImplementedError"
    assert set(exercise["limits"]) == {"time_s", "memory_mb", "memory_enforced"}


def test_a_value_mismatch_reports_input_errors_indices_and_hint(cli, curriculum, workspace):
    cli("start", "softmax")
    wrong = registry.REFERENCE_ROOT / "wrong" / "softmax" / "no_max_subtraction.py"
    (workspace / "module-0.2" / "softmax.py").write_text(wrong.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("verify", "softmax")
    assert result.exit_code == 1
    out = " ".join(result.stdout.split())  # Rich wraps at the test terminal's width
    assert "forward_large/large_logits x float32 (4, 7), axis=-1, seed 200" in out
    assert "28 of 28 elements differ; 28 nan/inf where the reference is finite; first at (0, 0)" in out
    assert "at (0, 0): got nan, expected 0.08597071" in out
    assert "hint: no max subtraction: exp overflows for logits >= 89" in out
    data = json.loads(cli("verify", "softmax", "--json").stdout)
    case = next(c for c in data["exercises"][0]["checks"] if not c["passed"])
    assert (case["case"], case["seed"], case["mismatch"]["count"], case["mismatch"]["indices"][0]) == (
        "large_logits",
        200,
        28,
        [0, 0],
    )


def test_reference_mode_passes_and_stores_nothing(cli, curriculum, learn_home):
    result = cli("verify", "--reference", "--all")
    assert result.exit_code == 0, result.output
    assert "Reference check" in result.stdout
    assert not (learn_home / "learn.db").exists() or _rows(learn_home, "SELECT COUNT(*) FROM verify_attempt") == [(0,)]
    data = cli.json("verify", "--reference", "softmax")
    assert data["passed"] and data["exercises"][0]["impl"] == "reference" and data["attempt_ids"] == []


def test_misbehaving_code_leaves_the_database_sound(cli, curriculum, workspace, learn_home):
    cli("start", "softmax")
    cli("check", "0.2/other")
    before = db_snapshot(learn_home)
    path = workspace / "module-0.2" / "softmax.py"
    path.write_text("import os\ndef softmax(x, axis=-1):\n    while True:\n        pass\n", encoding="utf-8")
    result = cli("verify", "softmax", "--time-limit", "1")
    assert result.exit_code == 1
    assert "timed out after 1 s in forward/random" in " ".join(result.stdout.split())
    path.write_text("import os\nos.kill(os.getpid(), 9)\n", encoding="utf-8")
    result = cli("verify", "softmax")
    assert result.exit_code == 1
    assert "killed (SIGKILL)" in " ".join(result.stdout.split())
    after = db_snapshot(learn_home)
    assert {t: rows for t, rows in after.items() if t != "verify_attempt"} == {
        t: rows for t, rows in before.items() if t != "verify_attempt"
    }
    assert [
        r[0] for r in _rows(learn_home, "SELECT json_extract(details, '$.status') FROM verify_attempt ORDER BY rowid")
    ] == ["timeout", "crashed"]
    assert _rows(learn_home, "PRAGMA integrity_check") == [("ok",)]


def test_attempts_export_and_import(cli, curriculum, workspace, tmp_path, learn_home):
    cli("start", "softmax")
    _begin(workspace)
    cli("verify", "softmax")
    out = tmp_path / "export.json"
    assert cli("data", "export", str(out)).exit_code == 0
    exported = json.loads(out.read_text(encoding="utf-8"))["verify_attempts"]
    assert len(exported) == 1 and exported[0]["exercise_id"] == "softmax" and not exported[0]["passed"]
    assert cli("data", "import", str(out)).exit_code == 0  # the same file again: nothing new
    assert _rows(learn_home, "SELECT COUNT(*) FROM verify_attempt") == [(1,)]


def test_an_item_linked_by_two_exercises_waits_for_both(curriculum, cli, learn_home):
    from app.study.store import open_store
    from app.verify.attempts import tick_items
    from reference_impls.exercise import Exercise

    cli("status")
    engine = open_store()
    shared = "0.2/activation-functions-relu-sigmoid-tanh"
    a = Exercise(id="a", title="A", items=(shared, "0.2/other"), entry_points=(), reference="r", checks=())
    b = Exercise(id="b", title="B", items=(shared,), entry_points=(), reference="r", checks=())
    first = tick_items(engine, [a], [a, b])
    assert first.ticked == ["0.2/other"] and first.waiting == {shared: ["b"]}
    assert tick_items(engine, [b], [a, b]).ticked == []  # `a` is not stored as passed: still waiting
    both = tick_items(engine, [a, b], [a, b])
    assert both.ticked == [shared] and both.waiting == {}


def test_watch_reruns_changed_exercises_from_an_injected_change_stream(tmp_path):
    from app.verify.watch import watch_loop

    softmax = registry.find("softmax")[0]
    ghost = type(softmax)(**{**softmax.__dict__, "id": "ghost"})
    mine, theirs, helper = tmp_path / "softmax.py", tmp_path / "ghost.py", tmp_path / "helper.py"
    files = {mine: softmax, theirs: ghost}
    contents = iter([b"v0", b"t0", b"v1", b"v1", b"v2", b"h1"])  # the two files at start, then each change
    changes = [{mine}, {mine}, set(), {mine}, {helper}]
    runs: list[list[str]] = []
    count = watch_loop(
        files,
        lambda selected: runs.append([e.id for e in selected]),
        iter(changes),
        content=lambda path: next(contents),
    )
    # first run: both; a save: the changed one; the same content again (a touch): nothing; an
    # empty batch: nothing; a new content: again; a helper beside them: everything.
    assert runs == [["softmax", "ghost"], ["softmax"], ["softmax"], ["softmax", "ghost"]]
    assert count == 4


def test_verify_watch_runs_on_each_change_and_stores_each_attempt(cli, curriculum, workspace, learn_home, monkeypatch):
    import app.verify.watch as watch

    cli("start", "softmax")
    _begin(workspace)
    path = workspace / "module-0.2" / "softmax.py"

    def fake_changes(folders, stop_event=None):
        assert folders == [path.parent]
        path.write_text(SOLUTION.read_text(encoding="utf-8"), encoding="utf-8")  # the learner saves
        yield {path.resolve()}

    monkeypatch.setattr(watch, "file_changes", fake_changes)
    result = cli("verify", "softmax", "--watch")
    assert result.exit_code == 0, result.output
    assert "stopped watching" in result.stdout
    assert [r[0] for r in _rows(learn_home, "SELECT passed FROM verify_attempt ORDER BY rowid")] == [0, 1]
    assert "✔ ticked" in result.stdout


def test_the_repo_workspace_readme_is_the_one_start_writes(cli, curriculum, workspace):
    from app.verify.scaffold import WORKSPACE_README

    repo_readme = Path(__file__).resolve().parents[1] / "workspace" / "README.md"
    assert repo_readme.read_text(encoding="utf-8") == WORKSPACE_README
    cli("start", "softmax")
    assert (workspace / "README.md").read_text(encoding="utf-8") == WORKSPACE_README


def test_verify_all_skips_exercises_not_started(cli, curriculum, workspace, monkeypatch):
    softmax = registry.exercises()[0]
    ghost = type(softmax)(**{**softmax.__dict__, "id": "ghost"})  # a second exercise, never started
    monkeypatch.setattr(registry, "exercises", lambda: [softmax, ghost])
    monkeypatch.setattr(registry, "listings", lambda: [softmax, ghost])
    monkeypatch.setattr(registry, "module_name", lambda exercise: "reference_impls.exercises.softmax")
    cli("start", "softmax")
    (workspace / "module-0.2" / "softmax.py").write_text(SOLUTION.read_text(encoding="utf-8"), encoding="utf-8")
    data = json.loads(cli("verify", "--all", "--json").stdout)
    assert data["passed"] is True and data["summary"]["not_started"] == 1
    assert [e["status"] for e in data["exercises"]] == ["passed", "missing"]
    assert cli("verify", "--all").exit_code == 0
    assert cli("verify", "module-0.2").exit_code == 1  # a named module must be complete


def test_start_writes_only_the_modules_own_folder_and_names_shared_exercises(cli, curriculum, workspace):
    # softmax's home is 0.2; iv-deliverables links to it too
    result = cli("start", "iv-deliverables")
    assert result.exit_code == 0, result.output
    out = result.stdout.replace("\n", "")  # Rich wraps long paths
    assert "softmax: in " in out and "module-0.2/softmax.py (its home)" in out
    assert "not written yet: learn start softmax" in out
    assert not (workspace / "iv-deliverables").exists() and not (workspace / "module-0.2").exists()
    data = cli.json("start", "iv-deliverables")
    assert data["files"] == []
    assert data["shared"] == [
        {"id": "softmax", "module_id": "0.2", "file": str(workspace / "module-0.2" / "softmax.py"), "exists": False}
    ]
    cli("start", "module-0.2")
    assert (workspace / "module-0.2" / "softmax.py").is_file()
    assert cli.json("start", "iv-deliverables")["shared"][0]["exists"] is True
    assert "not written yet" not in cli("start", "iv-deliverables").stdout.replace("\n", "")


def test_an_untouched_stub_is_not_started_not_failed(cli, curriculum, workspace, learn_home):
    cli("start", "module-0.2")
    data = json.loads(cli("verify", "--all", "--json").stdout)
    assert [e["status"] for e in data["exercises"]] == ["missing"]
    assert data["summary"]["not_started"] == 1 and data["summary"]["exercises_passed"] == 0
    assert "is the stub as `learn start` wrote it" in data["exercises"][0]["error"]
    named = cli("verify", "module-0.2")
    assert named.exit_code == 1  # a named module must be complete
    assert "not started" in named.stdout and "not implemented yet" not in named.stdout
    assert _rows(learn_home, "SELECT count(*) FROM verify_attempt") == [(0,)]  # nothing failed: nothing stored
    from app.journal.activity import activity_since_last_entry
    from app.study.store import open_store

    template_lines = activity_since_last_entry(open_store()).as_comments()  # what `learn log add` proposes
    assert not any("Verify failing" in line for line in template_lines), template_lines
    stub = workspace / "module-0.2" / "softmax.py"
    stub.write_text(
        stub.read_text(encoding="utf-8").replace("# TODO: your code here", "x = 1  # begun", 1), encoding="utf-8"
    )
    begun = json.loads(cli("verify", "--all", "--json").stdout)
    assert [e["status"] for e in begun["exercises"]] == ["failed"]


def test_log_add_after_a_verify_goes_under_the_exercises_home_not_a_ticked_interview_item(cli, curriculum, workspace):
    cli("start", "softmax")
    (workspace / "module-0.2" / "softmax.py").write_text(SOLUTION.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli("verify", "softmax").exit_code == 0  # ticks 0.2/... and iv-deliverables/... at once
    assert _statuses(cli)["iv-deliverables/sigmoid-relu-softmax-from-scratch-numpy"] == "done"
    result = cli("log", "add", "-m", "softmax done")
    assert result.exit_code == 0, result.output
    assert "Module 0.2 - Neural Networks" in result.stdout
    assert "under 0.2: the module you worked on last" in " ".join(result.stdout.split())
    cli("check", "2.1/thing")  # then the learner moves on
    assert json.loads(cli("log", "add", "-m", "next", "--json").stdout)["module_id"] == "2.1"
