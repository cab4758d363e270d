"""The TUI's screens: home (dashboard and navigation), module (checklists, notes, exercises and verify),
search, link picker, drill session, Captain's Log and its editor. Each reads and writes through the
same functions as the CLI."""
