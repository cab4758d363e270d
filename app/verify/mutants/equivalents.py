"""Declared equivalent mutants (Exercise.equivalent_mutants) matched to the generated ones.

A declaration names the function, a piece of the original line(s) and a piece of the mutated line(s)
that the original lacks (or the whole mutated line), compared without whitespace, so it survives edits elsewhere in the file
(line numbers move; the code it talks about does not). A declaration that matches no mutant is stale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.verify.mutants.generate import Mutant
from reference_impls.exercise import Equivalent

_SPACE = re.compile(r"\s+")


def _squeeze(text: str) -> str:
    return _SPACE.sub("", text)


def matches(declared: Equivalent, mutant: Mutant) -> bool:
    where = declared.where
    if ":" in where:
        file, _, function = where.partition(":")
        if not mutant.file.endswith(file):
            return False
    else:
        function = where
    if function != mutant.function:
        return False
    line, edit = _squeeze(declared.line), _squeeze(declared.edit)
    before, after = _squeeze(mutant.before), _squeeze(mutant.after)
    return line in before and (edit == after or (edit in after and edit not in before))


def match(declared: Iterable[Equivalent], mutants: list[Mutant]) -> tuple[dict[int, Equivalent], list[Equivalent]]:
    """({mutant n: its declaration}, the stale declarations)."""
    found: dict[int, Equivalent] = {}
    stale = []
    for declaration in declared:
        hits = [m for m in mutants if matches(declaration, m)]
        if not hits:
            stale.append(declaration)
        for mutant in hits:
            found.setdefault(mutant.n, declaration)
    return found, stale
