"""What a learn database may hold: the tables, indexes and triggers the app's schema makes, nothing more.

A restored file or a hand-edited database could carry a trigger (run on every write of the app), a
view or a table of its own. `foreign_objects` lists them, by comparison with an in-memory database
made by `create_schema`; `learn data restore` refuses such a file, `learn doctor` reports them and
`learn data repair` drops them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

Execute = Callable[[str], Iterable[tuple]]
_LIST = "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"


@cache
def expected_objects() -> frozenset[tuple[str, str]]:
    """(type, name) of every object of the current schema."""
    from sqlalchemy import create_engine

    from app.db.engine import create_schema

    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        create_schema(conn)
        found = frozenset((kind, name) for kind, name in conn.exec_driver_sql(_LIST))
    engine.dispose()
    return found


def foreign_objects(execute: Execute) -> list[tuple[str, str]]:
    """(type, name) of the objects a database holds that the app does not define, triggers first."""
    expected = expected_objects()
    order = {"trigger": 0, "view": 1, "index": 2, "table": 3}
    found = [(kind, name) for kind, name in execute(_LIST) if (kind, name) not in expected]
    return sorted(found, key=lambda obj: (order.get(obj[0], 9), obj[1]))


def describe(objects: list[tuple[str, str]], limit: int = 5) -> str:
    """`trigger 'wipe', view 'v'` (and N more)."""
    named = ", ".join(f"{kind} {name!r}" for kind, name in objects[:limit])
    return named + (f" (and {len(objects) - limit} more)" if len(objects) > limit else "")
