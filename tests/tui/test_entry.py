"""`learn` with no command opens the TUI; every other command stays free of Textual."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_no_command_runs_the_tui_and_commands_do_not(cli, curriculum, monkeypatch):
    import app.tui.app

    runs = []
    monkeypatch.setattr(app.tui.app, "run", lambda: runs.append(True))
    assert cli().exit_code == 0
    assert runs == [True]
    assert cli("status").exit_code == 0
    assert runs == [True]
    help_text = cli("--help").stdout
    assert "status" in help_text and "show" in help_text
    assert runs == [True]


def test_a_broken_store_is_a_one_line_error_not_a_traceback(cli, learn_home):
    learn_home.mkdir(parents=True, exist_ok=True)
    (learn_home / "learn.db").write_bytes(b"this is not sqlite at all, not at all")
    result = cli()
    assert result.exit_code == 2
    assert "not a learn database" in result.stderr and "Traceback" not in result.stderr


def test_learn_opens_the_dashboard_in_a_terminal_and_q_quits(curriculum, learn_home):
    """The real console entry point in a pseudo-terminal, as a learner starts it."""
    main, child_fd = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24", "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", "from app.cli.main import main; main()"],
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        env=env,
        cwd=REPO,
        start_new_session=True,
    )
    os.close(child_fd)
    seen = b""
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if select.select([main], [], [], 0.1)[0]:
                seen += os.read(main, 65536)
                plain = re.sub(rb"\x1b\[[0-9;?]*[ -/]*[@-~]", b"", seen)
                if b"Alpha Track" in plain and b"Beta Track" in plain:
                    break
        else:
            raise AssertionError(f"no dashboard: {seen[-400:]!r}")
        deadline = time.monotonic() + 30  # a loaded machine can take seconds to reap a process
        sent = 0.0
        while child.poll() is None and time.monotonic() < deadline:
            if time.monotonic() - sent > 0.5:  # again, in case it came before the app read input
                os.write(main, b"q")
                sent = time.monotonic()
            if select.select([main], [], [], 0.1)[0]:  # keep reading: a full pty blocks it
                try:
                    os.read(main, 65536)
                except OSError:
                    break
        assert child.wait(timeout=10) == 0
    finally:
        if child.poll() is None:
            child.kill()
        os.close(main)


def test_without_a_terminal_learn_says_what_to_run_instead(curriculum, learn_home):
    result = subprocess.run(
        [sys.executable, "-c", "from app.cli.main import main; main()"],
        cwd=REPO,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr and "learn status" in result.stderr
