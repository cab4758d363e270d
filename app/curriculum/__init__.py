"""The curriculum: YAML schema, loading with locations, and sync into SQLite."""

from typing import Literal

# Kept here (not in schema.py) so that reading statuses does not build the pydantic models.
Status = Literal["todo", "in_progress", "done"]
STATUSES: tuple[str, ...] = ("todo", "in_progress", "done")
