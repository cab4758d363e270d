"""The learner's own notes on items and modules (`learn note`, the TUI's module screen), UI-free.

One note per item or module, keyed by its id (app/notes/store.py); searched with the journal's
full-text search (app/notes/search_index.py); exported, imported and backed up with the rest of the
learner's data (app/learner_data.py)."""
