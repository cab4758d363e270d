"""How the faces say when something happened ('5 min ago') and name a module in a heading ('Module 0.5')."""

from __future__ import annotations

from datetime import datetime


def module_heading(module_id: str) -> str:
    """'0.5' -> 'Module 0.5'; other ids ('arsenal', 'iv-cuda') as they are."""
    return f"Module {module_id}" if module_id[:1].isdigit() else module_id


def ago(moment: str | datetime | None, now: datetime) -> str:
    """'just now', '5 min ago', '3 h ago', '2 d ago', or the date for older times."""
    if moment is None:
        return "never"
    if isinstance(moment, str):
        from app.progress import as_utc_iso

        moment = datetime.fromisoformat(as_utc_iso(moment).replace("Z", "+00:00"))
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)} d ago"
    return moment.date().isoformat()
