"""Notice, cheaply, that another connection (the CLI, a worker) committed to the database.

SQLite's `PRAGMA data_version` changes on a connection whenever any other connection commits; reading
it costs microseconds and takes no lock, so the TUI can poll it every second and reload only then.
The connection is our own, in autocommit mode, so it never holds a read transaction open.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class DataVersion:
    def __init__(self, database: Path) -> None:
        self._conn = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        self._last = self._read()

    def _read(self) -> int:
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        """True once after each commit by another connection since the last call."""
        current = self._read()
        if current == self._last:
            return False
        self._last = current
        return True

    def close(self) -> None:
        self._conn.close()
