"""Reading the app under test: what a widget shows, and waiting for its workers."""

from __future__ import annotations


def shown_text(widget) -> str:
    """The plain text a Static shows (its Rich or Textual content, rendered 100 cells wide)."""
    from io import StringIO

    from rich.console import Console

    console = Console(file=StringIO(), width=100, color_system=None)
    console.print(widget.content)
    return console.file.getvalue()


async def settle(app, pilot) -> None:
    """Wait for the workers (the home panel's deck sync, a verify run), then take their commits
    off the database poll, as the running app would on its next tick."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.poll_database()
    await pilot.pause()
