"""All stored tables.

Two kinds of rows live here:
- curriculum rows (track, category, module, section, item): derived from the YAML, deleted and
  rebuilt by every sync, never edited by hand;
- the learner's rows (progress, and later reviews, verify attempts, log entries): keyed by the stable
  ids written in the YAML, with no foreign key to the curriculum, so a sync never deletes them. A row
  whose item left the YAML stays, hidden and not counted, and shows again if the item comes back.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel

# -- curriculum (derived) ---------------------------------------------------------------------------


class TrackRow(SQLModel, table=True):
    __tablename__ = "track"
    id: str = Field(primary_key=True)
    title: str
    description: str | None = None
    source: str | None = None
    log_template: str | None = None
    file: str
    position: int


class CategoryRow(SQLModel, table=True):
    __tablename__ = "category"
    key: str = Field(primary_key=True)  # "<track id>/<category id>": category ids are unique per track
    id: str
    track_id: str = Field(index=True)
    title: str
    description: str | None = None
    position: int


class ModuleRow(SQLModel, table=True):
    __tablename__ = "module"
    id: str = Field(primary_key=True)
    track_id: str = Field(index=True)
    category_key: str = Field(index=True)
    title: str
    summary: str | None = None
    notes: str | None = None
    tables_json: str = "[]"
    resources_json: str = "[]"
    position: int


class SectionRow(SQLModel, table=True):
    __tablename__ = "section"
    id: int = Field(primary_key=True)
    module_id: str = Field(index=True)
    kind: str
    title: str | None = None
    position: int


class ItemRow(SQLModel, table=True):
    __tablename__ = "item"
    id: str = Field(primary_key=True)
    module_id: str = Field(index=True)
    section_id: int
    parent_id: str | None = None
    depth: int
    position: int  # document order across the whole curriculum
    text: str
    notes: str | None = None
    links_json: str = "[]"
    initial_status: str | None = None  # from the plan's markers; progress rows override it


# -- the learner's own data (never deleted by a sync) -----------------------------------------------


class Progress(SQLModel, table=True):
    __tablename__ = "progress"
    item_id: str = Field(primary_key=True)
    status: str  # todo | in_progress | done
    updated_at: str  # ISO 8601, UTC
    completed_at: str | None = None


class Meta(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


CURRICULUM_TABLES = (ItemRow, SectionRow, ModuleRow, CategoryRow, TrackRow)
