"""The TUI's own preferences, in LEARN_HOME/tui.json: not learner data, never synced.

    {"theme": "nord", "light_theme": "textual-light", "dark_theme": "nord",
     "keymap": {"toggle_in_progress": "i", "toggle_done": "x"}}

`theme` is the one in use; `t` switches between `light_theme` and `dark_theme` (a theme picked in the
palette becomes the one of its kind). `keymap` rebinds keys by binding id (the `id=` of each Binding
in app/tui), as Posting's keymap does.
"""

from __future__ import annotations

import json
from pathlib import Path

from app import locations
from app.atomic_write import write_atomically
from app.errors import LearnError

DEFAULTS = {"theme": "textual-dark", "light_theme": "textual-light", "dark_theme": "textual-dark"}


def settings_path() -> Path:
    return locations.learn_home() / "tui.json"


def load_settings() -> dict:
    try:
        stored = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = {}
    return DEFAULTS | (stored if isinstance(stored, dict) else {})


def save_settings(settings: dict) -> None:
    path = settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(settings, indent=2))
    except (OSError, LearnError):
        pass  # a read-only home costs the learner their theme choice, nothing more
