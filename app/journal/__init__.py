"""The Captain's Log: the learner's journal entries, UI-free (the CLI and the TUI call the same functions).

- `entry`: the entry as data, its fields, and dates;
- `entry_text`: the plan's entry template, filled in, and edited text parsed back into fields;
- `store`: entries in SQLite (add, edit, delete, find by id prefix, list);
- `search_index`: the FTS5 index over the entries, kept in sync by triggers, and search;
- `activity`: what happened since the last entry (items ticked, drill reviews), as comments;
- `editor`: the round trip through $VISUAL / $EDITOR, with drafts kept when it fails;
- `markdown_export`: entries in the plan's own format, to append to a README.
"""
