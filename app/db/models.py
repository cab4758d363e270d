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


# -- drills (learn drill): decks derived from drills/*.yaml, and the learner's reviews ---------------
# drill_deck and drill_card are rebuilt by every deck sync; drill_review is the learner's, append-only,
# keyed by a uuid4 hex id and joined to cards by their stable YAML id (no foreign key). A card's FSRS
# state is derived by replaying its reviews (app/drill/scheduling.py), so imports merge cleanly.


class DrillDeckRow(SQLModel, table=True):
    __tablename__ = "drill_deck"
    id: str = Field(primary_key=True)
    title: str
    description: str | None = None
    file: str
    position: int


class DrillCardRow(SQLModel, table=True):
    __tablename__ = "drill_card"
    id: str = Field(primary_key=True)
    deck_id: str = Field(index=True)
    prompt: str
    answer: str
    tags_json: str = "[]"
    items_json: str = "[]"
    code_json: str | None = None  # {"check": ..., "function": ...} for code cards
    time_limit_s: int = 30
    position: int  # order across all decks


class DrillReview(SQLModel, table=True):
    __tablename__ = "drill_review"
    id: str = Field(primary_key=True)  # uuid4 hex
    card_id: str = Field(index=True)
    rating: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at: str = Field(index=True)  # ISO 8601 UTC, seconds
    duration_ms: int | None = None  # prompt shown -> answer revealed / code submitted
    state_before: str  # FSRS card state, JSON (app/drill/scheduling.py: state_to_json)
    state_after: str


DRILL_CONTENT_TABLES = (DrillCardRow, DrillDeckRow)


# -- Captain's Log (learn log, app/journal): the learner's journal entries ---------------------------
# Keyed by a uuid4 hex id so imports merge across machines; linked to a module by id with no foreign
# key, and the title kept beside it, so an entry outlives its module leaving the YAML. The full-text
# index over it (FTS5, kept in sync by triggers) is made with raw SQL by
# app/db/journal_index.py (schema v2), since SQLModel cannot declare virtual tables.


class LogEntryRow(SQLModel, table=True):
    __tablename__ = "log_entry"
    id: str = Field(primary_key=True)  # uuid4 hex
    module_id: str | None = Field(default=None, index=True)
    module_title: str | None = None  # the header's title: the module's, or the learner's own
    date: str = Field(index=True)  # YYYY-MM-DD, the learner's local calendar day
    progress: str = ""
    insight: str = ""
    challenge: str = ""
    next_steps: str = ""
    body: str = ""  # free text, written between the header line and the fields
    created_at: str = Field(index=True)  # ISO 8601, UTC
    updated_at: str


# -- verify attempts (learn verify, app/verify): one row per run of an exercise, append-only ---------
# Keyed by a uuid4 hex id so imports merge across machines; exercise and module by id with no foreign
# key (exercises live in reference_impls, not in the YAML). `details` is the run's report as JSON.


class VerifyAttemptRow(SQLModel, table=True):
    __tablename__ = "verify_attempt"
    id: str = Field(primary_key=True)  # uuid4 hex
    exercise_id: str = Field(index=True)
    module_id: str = Field(index=True)  # the exercise's home module
    passed: bool
    checks_passed: int
    checks_total: int
    details: str = "{}"  # JSON: status, error, hints, every check's result (app/verify/report.py)
    duration_ms: int
    started_at: str = Field(index=True)  # ISO 8601, UTC
    source_hash: str | None = None  # sha256 of the learner's file, first 16 hex digits


# -- the learner's own notes (learn note, app/notes): one per item or module, keyed by its id ----------
# Keyed by the item's or module's stable YAML id with no foreign key, like progress, so a note outlives
# a curriculum edit; `kind` says which of the two the id names. The full-text index over the notes is
# made with raw SQL by app/notes/search_index.py. Added in schema v2 (app/notes/migration.py).


class NoteRow(SQLModel, table=True):
    __tablename__ = "note"
    target_id: str = Field(primary_key=True)  # an item id (0.2/backprop) or a module id (0.2)
    kind: str  # item | module
    text: str
    created_at: str  # ISO 8601, UTC
    updated_at: str = Field(index=True)
