"""How a module id is written: '0.2' in the curriculum, 'module-0.2' as a workspace folder and in
commands, and the prefixes a learner may type before a numbered id ('module-0.2', 'Module 0.2', 'm0.2')."""

from __future__ import annotations

import re

_PREFIX = re.compile(r"^(?:module|mod|m)[-_ ]?(?=\d)", re.IGNORECASE)


def module_label(module_id: str) -> str:
    """'0.2' -> 'module-0.2' (numbered modules); other ids ('iv-deliverables') as they are."""
    return f"module-{module_id}" if module_id[:1].isdigit() else module_id


def without_prefix(typed: str) -> str:
    """'module-1.5', 'Module 1.5', 'm1.5' -> '1.5'; anything else as written."""
    return _PREFIX.sub("", typed)
