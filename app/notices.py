"""Notices from the core (a schema upgrade and its backup, a daily backup that could not be written, a
new empty database beside backups) reach the learner through the face that runs: the CLI installs a
handler that writes them to stderr; the core itself never prints (tests/test_layers.py)."""

from __future__ import annotations

from collections.abc import Callable

_handler: Callable[[str], None] | None = None


def set_handler(handler: Callable[[str], None] | None) -> None:
    global _handler
    _handler = handler


def say(message: str) -> None:
    """Hand `message` to the face's handler; with none installed (a library caller), drop it."""
    if _handler is not None:
        _handler(message)
