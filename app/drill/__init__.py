"""Drills: spaced-repetition flashcards (FSRS) and auto-graded code cards. UI-free.

The pieces, each importable on its own (nothing is imported here, to keep start-up fast):
- schema.py, load.py: the deck YAML (drills/*.yaml) and its validation, errors with file:line;
- sync.py: `sync_decks(engine)` loads changed decks into drill_deck / drill_card;
- scheduling.py: FSRS through the `fsrs` package; a card's state is the replay of its reviews;
- store.py: cards as dataclasses, memories from drill_review, `record_review` (one transaction);
- queue.py: `QueueQuery` and the order of a session (due, new, cram);
- session.py: `DrillSession`, the session logic the CLI and the TUI drive;
- code_checks.py, code_runner.py: code cards, run as small exercises by the verify runner (app/verify);
- stats.py: `drill_stats`, for `learn drill stats`.
"""
