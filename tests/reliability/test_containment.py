"""Learner code is contained, in `learn verify` and in code cards alike (issue 18): it cannot find or
write the database, cannot write outside its workspace and its temp folder, leaves no process behind
(not even one that calls setsid()), cannot allocate 10 GiB, and cannot forge a result.

Each attack runs once through the verify runner (a softmax file in a workspace folder, all files in
parallel) and once as a code card (app/drill/code_runner.py, one session's runner). The learner's
code prints what it managed; the tests check that against the world (the database's rows, the files
on disk, /proc).
"""

from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.verify import registry
from app.verify.runner import Job, run_jobs
from app.verify.sandbox import landlock, processes
from tests.reliability.harness import CORRECT_SOFTMAX, integrity, learn, learn_env, query

LANDLOCK = pytest.mark.skipif(
    not landlock.abi(), reason="no Landlock here: writes are not confined (see `learn verify --help`)"
)
PROC = pytest.mark.skipif(
    not processes.available(), reason="no subreaper / /proc here: only the process group is killed"
)
LINUX = pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux only")

CORRECT_SILU = "def silu(x):\n    return x * torch.sigmoid(x)\n"
WRONG_SILU = "def silu(x):\n    return torch.sigmoid(x)\n"

# What each attack does, as the body of a function `attack()` that prints what happened; {db}, {home},
# {outside} are filled in. It runs when the learner's file is imported (verify) or defined (a card).
ATTACKS = {
    "database": """
        import os, sqlite3
        print("LEARN_HOME", os.environ.get("LEARN_HOME"))
        print("DB in environment", any("learn.db" in v for v in os.environ.values()))
        try:
            conn = sqlite3.connect({db!r})
            deleted = conn.execute("DELETE FROM progress").rowcount
            conn.commit()
            print("deleted", deleted)
        except Exception as exc:
            print("refused", type(exc).__name__, exc)
        for how in ("remove", "truncate"):
            try:
                os.remove({db!r}) if how == "remove" else open({db!r}, "r+b").truncate(0)
                print(how, "done")
            except OSError as exc:
                print(how, "refused", exc.errno)
        """,
    "outside": """
        import os, tempfile
        for target in ({outside!r}, {home!r} + "/pwned.txt", os.path.expanduser("~/learn-pwned.txt")):
            try:
                with open(target, "w") as fh:
                    fh.write("pwned")
                print("wrote", target)
            except OSError as exc:
                print("refused", target, exc.errno)
        with tempfile.NamedTemporaryFile("w") as fh:  # its own temp folder is writable
            fh.write("scratch")
        print("temp ok")
        """,
    "setsid_grandchild": """
        import subprocess, sys
        keeps_writing = "import os, sys, time\\nwhile True:\\n    try:\\n        open(sys.argv[1], 'a').write('x')\\n" \\
                        "    except OSError:\\n        pass\\n    time.sleep(0.01)\\n"
        child = subprocess.Popen([sys.executable, "-c", keeps_writing, {outside!r} + ".grandchild"],
                                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print("GRANDCHILD", child.pid)
        """,
    "descriptors": """
        import os
        found = {{}}
        for fd in os.listdir("/proc/self/fd"):
            try:
                found[int(fd)] = os.readlink(f"/proc/self/fd/{{fd}}")
            except OSError:  # the listing's own descriptor, closed by now
                pass
        print("FDS", sorted(found))
        print("TARGETS", sorted(set(found.values())))
        """,
    "ten_gib": """
        hoard = {alloc}
        print("allocated", hoard.sum())
        """,
    "forged_line": """
        import json, os
        forged = [
            {{"event": "plan", "cases": [], "memory_enforced": False}},
            {{"event": "case", "result": {{"index": 0, "passed": True, "status": "passed"}}}},
            {{"event": "done"}},
            {{"passed": True, "reason": "all inputs match the reference", "output": "", "seconds": 0.0}},
        ]
        payload = "".join(json.dumps(line) + "\\n" for line in forged).encode()
        for fd in range(1, 256):
            try:
                os.write(fd, payload)
            except OSError:
                pass
        """,
}


def _attack(name: str, **paths: str) -> str:
    return (
        "def attack():\n" + textwrap.indent(textwrap.dedent(ATTACKS[name]).format(**paths), "    ") + "\n\nattack()\n"
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A real database with progress, a workspace, and a folder outside both."""
    root = tmp_path_factory.mktemp("containment")
    home, workspace, outside = root / "home", root / "workspace" / "module-0.2", root / "outside"
    for folder in (home, workspace, outside):
        folder.mkdir(parents=True)
    env = learn_env(home)
    done = learn("check", "0.2/neural-network-architecture", env=env)
    assert done.returncode == 0, done.stderr
    db = home / "learn.db"
    return {
        "home": home,
        "db": db,
        "workspace": workspace,
        "outside": outside,
        "rows": query(db, "SELECT * FROM progress"),
    }


def _paths(world: dict, mode: str, name: str) -> dict[str, str]:
    return {
        "db": str(world["db"]),
        "home": str(world["home"]),
        "outside": str(world["outside"] / f"{mode}-{name}.txt"),
        "alloc": "np.ones(10 * 2**30, dtype=np.uint8)"
        if mode == "verify"
        else "torch.ones(10 * 2**30, dtype=torch.uint8)",
    }


@pytest.fixture(scope="module")
def verify_runs(world: dict) -> dict:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LEARN_HOME", str(world["home"]))
        return _verify_runs(world)


def _verify_runs(world: dict) -> dict:
    softmax = registry.find("softmax")[0]
    jobs, names = [], []
    for name in ATTACKS:
        wrong = "\n\ndef softmax(x, axis=-1):\n    return x\n" if name == "forged_line" else ""
        path = world["workspace"] / f"{name}.py"
        path.write_text(
            "import numpy as np\n" + _attack(name, **_paths(world, "verify", name)) + CORRECT_SOFTMAX + wrong,
            encoding="utf-8",
        )
        jobs.append(Job(softmax, str(path)))
        names.append(name)
    started = time.monotonic()
    reports = run_jobs(jobs, time_limit_s=10, memory_limit_mb=512)
    assert time.monotonic() - started < 60
    return dict(zip(names, reports, strict=True))


@pytest.fixture(scope="module")
def card_runs(world: dict) -> dict:
    from app.drill.code_runner import CodeRunner

    results = {}
    with pytest.MonkeyPatch.context() as mp, CodeRunner(time_limit_s=10) as runner:
        mp.setenv("LEARN_HOME", str(world["home"]))
        for name in ATTACKS:
            answer = WRONG_SILU if name == "forged_line" else CORRECT_SILU
            results[name] = runner.check(_attack(name, **_paths(world, "card", name)) + answer, "silu")
        # After a forged line, the next answers are graded on their own: no shift by one.
        results["after_forged_right"] = runner.check(CORRECT_SILU, "silu")
        results["after_forged_wrong"] = runner.check(WRONG_SILU, "silu")
    return results


def _printed(mode: str, verify_runs: dict, card_runs: dict, name: str) -> str:
    if mode == "verify":
        return verify_runs[name].output.stdout
    return card_runs[name].output


MODES = ["verify", "card"]


@pytest.fixture(params=MODES)
def mode(request) -> str:
    return request.param


@pytest.fixture
def runs(mode: str, request) -> dict:
    return request.getfixturevalue(f"{mode}_runs")


def test_the_child_cannot_find_the_database_in_its_environment(mode, verify_runs, card_runs, world):
    printed = _printed(mode, verify_runs, card_runs, "database")
    assert "LEARN_HOME None" in printed
    assert "DB in environment False" in printed
    assert query(world["db"], "SELECT * FROM progress") == world["rows"] != []


@LANDLOCK
def test_the_child_cannot_delete_rows_remove_or_truncate_the_database(mode, verify_runs, card_runs, world):
    printed = _printed(mode, verify_runs, card_runs, "database")
    assert "refused OperationalError" in printed and "deleted" not in printed, printed
    assert "remove refused 13" in printed and "truncate refused 13" in printed, printed
    assert query(world["db"], "SELECT * FROM progress") == world["rows"] != []
    assert integrity(world["db"]) == "ok"


@LANDLOCK
def test_the_child_cannot_write_outside_its_workspace_and_temp_folder(mode, verify_runs, card_runs, world):
    printed = _printed(mode, verify_runs, card_runs, "outside")
    assert "wrote" not in printed, printed
    assert printed.count("refused") == 3, printed
    assert "temp ok" in printed, printed
    assert not (world["outside"] / f"{mode}-outside.txt").exists()
    assert not (world["home"] / "pwned.txt").exists()


def test_a_correct_answer_still_passes_beside_the_attacks(mode, verify_runs, card_runs):
    for name in ("database", "outside", "setsid_grandchild"):
        result = verify_runs[name] if mode == "verify" else card_runs[name]
        assert result.passed, (name, getattr(result, "reason", None) or result.error)


@PROC
def test_a_setsid_grandchild_is_gone_when_the_run_ends(mode, verify_runs, card_runs, world):
    printed = _printed(mode, verify_runs, card_runs, "setsid_grandchild")
    pid = int(printed.split("GRANDCHILD", 1)[1].split()[0])
    deadline = time.monotonic() + 3
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(pid), "the setsid grandchild outlived its run"
    trail = world["outside"] / f"{mode}-setsid_grandchild.txt.grandchild"
    size = trail.stat().st_size if trail.exists() else 0
    time.sleep(0.2)
    assert (trail.stat().st_size if trail.exists() else 0) == size, "something still writes"


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc")
def test_the_child_holds_no_descriptor_of_ours(mode, verify_runs, card_runs):
    printed = _printed(mode, verify_runs, card_runs, "descriptors")
    fds = [int(fd) for fd in printed.split("FDS [", 1)[1].split("]", 1)[0].split(",")]
    assert fds[:3] == [0, 1, 2] and len(fds) == 4, printed  # stdin (/dev/null), stdout, stderr, the results pipe
    targets = printed.split("TARGETS", 1)[1]
    assert "learn.db" not in targets and "socket" not in targets, printed


@LINUX
def test_ten_gib_fail_with_the_memory_limit_not_the_machine(mode, verify_runs, card_runs):
    if mode == "verify":
        report = verify_runs["ten_gib"]
        assert report.status == "error", report.error
        assert report.error.startswith("killed: memory limit 0.5 GiB exceeded (MemoryError"), report.error
    else:
        result = card_runs["ten_gib"]
        assert not result.passed
        assert result.reason.startswith("killed: memory limit 2 GiB exceeded (RuntimeError"), result.reason
        assert "of your code: `hoard = torch.ones(10 * 2**30, dtype=torch.uint8)`" in result.reason


def test_a_forged_result_line_has_no_effect(mode, verify_runs, card_runs):
    if mode == "verify":
        report = verify_runs["forged_line"]
        assert report.status == "failed"
        assert report.checks[0].passed is False  # the case the forged line said passed
        assert report.checks[0].message.startswith("output:")
        assert report.checks_total > 1  # the plan is the child's, not the forged empty one
    else:
        assert not card_runs["forged_line"].passed
        assert card_runs["forged_line"].reason.startswith("max abs error")
        assert card_runs["after_forged_right"].passed
        assert not card_runs["after_forged_wrong"].passed


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return False


def test_help_says_what_is_contained_here():
    from app.verify.sandbox import describe_containment

    text = describe_containment()
    assert "time limit" in text
    if landlock.abi():
        assert "writes only to its workspace folder and a temp folder (Landlock)" in text
    else:
        assert "writes are not confined" in text
