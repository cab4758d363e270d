"""Data the references ship with (see README.md here for sources), importable without torch."""

from pathlib import Path

CHAR_LM_TEXT = Path(__file__).resolve().parent / "tiny_shakespeare_coriolanus.txt"
CHAR_LM_THRESHOLD = 2.3  # validation loss (nats per character) the char-level LM must get under
