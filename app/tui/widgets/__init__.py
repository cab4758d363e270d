"""Reusable widgets of the TUI, fed plain dataclasses from app/ (never database rows)."""
