"""The use cases both faces call: the CLI (app/cli) and the TUI (app/tui) parse input and render,
the workflows themselves live here, once.

- store.py: `open_store`, the database with the curriculum (and the drill decks) synced.
- verify.py: `verify`, check the learner's files, run them, store the attempts, tick the items,
  reporting progress through callbacks; `find_exercises` and `exercises_of_module` list them from
  `registry.listings()` (no exercise module imported); `module_exercises`, a module's exercises
  with their last attempts, for `learn show` and the module screen.
- log_entry.py: a Captain's Log entry composed (start, template, fill) and saved.
- drill.py: a drill session opened on freshly synced decks.
- plan.py: a markdown plan imported as a new track, written and synced, or nothing changed.
- item_exercises.py: the exercises that verify an item, with their last results, in a word.

Nothing here prints or imports typer, rich or textual (tests/test_layers.py).
"""
