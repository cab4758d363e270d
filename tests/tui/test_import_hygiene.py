"""A headless core, a thin face: what the TUI reads through (app/search.py, app/today.py and the
functions they call) never imports Textual, so the CLI can use it too (Harlequin's import check)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_modules_under_the_tui_do_not_import_textual():
    code = (
        "import sys, app.search, app.today, app.dashboard, app.module_view, app.progress, app.tui.module_markdown, "
        "app.tui.data_version, app.tui.settings, app.tui.clock; "
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_importing_the_tui_package_imports_nothing():
    code = "import sys, app.tui; print(sorted(m for m in ('textual', 'sqlalchemy', 'rich') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
