"""Diagnoses across the cases of a check, and across the checks of an exercise, once every case has run.

Runs in the child, after the last case. Features of each case come from its inputs alone (square or
rectangular, query and key lengths equal or not, magnitudes, contiguity, dtype, the last size's
multiples, the batch) or from what it declares (Case.traits); when the failing cases are exactly
those with one feature, two at least, and at least two cases without it pass, the hint says so with
the counts ("right on the 4 square inputs, wrong on all 6 rectangular cases"). Across checks: the
forward pass right and the backward wrong; a check that fails with no hint in an exercise where
another failed with a named mistake. A hint that presumes a failing check (Probe.presumes) is
withdrawn; where two probes match a case that cannot tell their mistakes apart, the one the check's
other cases confirm is kept.

These hints are added only to failing cases that no probe named: they bring evidence, never a
competing claim.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from app.verify.diagnosis import LARGE_INPUT

BLOCKS = (2, 4, 8, 16, 32, 64, 128, 256)


def _arrays(value: Any) -> Iterator[np.ndarray]:
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, tuple | list):
        for v in value:
            yield from _arrays(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _arrays(v)


def _inputs(item) -> list[np.ndarray]:
    return [a for a in _arrays((item.case.args, dict(item.case.kwargs))) if a.size]


# -- features of a case: None where it does not apply, else (odd?, what to call it) ------------------


def _first_matrix(arrays: list[np.ndarray]) -> np.ndarray | None:
    return next((a for a in arrays if a.ndim >= 2 and a.dtype.kind in "fc"), None)


def rectangular(arrays):
    x = _first_matrix(arrays)
    return None if x is None else x.shape[-1] != x.shape[-2]


def lengths_differ(arrays):
    by_width: dict[int, set[int]] = {}
    counted: Counter = Counter()
    for a in arrays:
        if a.ndim >= 2 and a.dtype.kind == "f":
            by_width.setdefault(a.shape[-1], set()).add(a.shape[-2])
            counted[a.shape[-1]] += 1
    shared = [w for w, n in counted.items() if n >= 2]
    if not shared:
        return None
    return any(len(by_width[w]) > 1 for w in shared)


def large(arrays):
    floats = [a for a in arrays if a.dtype.kind == "f"]
    if not floats:
        return None
    return max(float(np.nanmax(np.abs(np.where(np.isfinite(a), a, 0)))) for a in floats) >= LARGE_INPUT


def noncontiguous(arrays):
    if not arrays:
        return None
    return any(not a.flags["C_CONTIGUOUS"] for a in arrays if a.ndim >= 1)


def batched(arrays):
    x = _first_matrix(arrays)
    return None if x is None or x.ndim < 2 else x.shape[0] > 1


FEATURES: tuple[tuple[Callable, Callable[[int, int, str], str]], ...] = (
    (
        rectangular,
        lambda right, wrong, _: (
            f"right on the {right} square inputs, wrong on {_all(wrong)} rectangular "
            f"{_one(wrong)}: rows and columns confused (a transpose, or a reduction over the wrong axis)?"
        ),
    ),
    (
        lengths_differ,
        lambda right, wrong, _: (
            f"right on the {right} cases where the query and key lengths are equal (L == S), "
            f"wrong on {_all(wrong)} {_one(wrong)} where they differ: the mask's alignment (which corner its diagonal "
            "starts from), or L and S confused?"
        ),
    ),
    (
        large,
        lambda right, wrong, _: (
            f"wrong only on {_all(wrong)} {_one(wrong)} with inputs of magnitude {LARGE_INPUT:g} "
            f"or more, right on the {right} others: an overflow, or precision lost at large magnitudes?"
        ),
    ),
    (
        noncontiguous,
        lambda right, wrong, _: (
            f"wrong only on {_all(wrong)} {_one(wrong)} with non-contiguous inputs (transposed "
            f"or sliced views), right on the {right} contiguous ones: code that assumes a contiguous layout (strides "
            "taken from the shape, a flat index, .view on a transposed tensor)?"
        ),
    ),
    (
        batched,
        lambda right, wrong, _: (
            f"right for a batch of 1 ({right} cases), wrong on {_all(wrong)} {_one(wrong)} "
            "with a batch > 1: examples mixed (a reduction over the whole array, an index that ignores the batch)?"
        ),
    ),
)


def _all(n: int) -> str:
    return "the" if n == 1 else f"all {n}"


def _one(n: int) -> str:
    return "case" if n == 1 else "cases"


def _separates(values: list[bool | None], failed: list[bool]) -> tuple[int, int] | None:
    """(right, wrong) when the failing cases are exactly the odd ones, >= 2 of them, and >= 2 normal ones pass."""
    if any(v is None for v, f in zip(values, failed, strict=True) if f):
        return None
    odd = [f for v, f in zip(values, failed, strict=True) if v]
    normal = [f for v, f in zip(values, failed, strict=True) if v is False]
    # Two cases at least on each side: one odd case differs from the others in more than one way.
    if len(odd) >= 2 and all(odd) and len(normal) >= 2 and not any(normal):
        return len(normal), len(odd)
    return None


def _dtype_hint(items, failed: list[bool]) -> str | None:
    dtypes = [next((str(a.dtype) for a in _inputs(i) if a.dtype.kind == "f"), None) for i in items]
    for dtype in sorted({d for d in dtypes if d}):
        values = [None if d is None else d == dtype for d in dtypes]
        found = _separates(values, failed)
        if found:
            right, wrong = found
            return (
                f"wrong only for {dtype} inputs ({_all(wrong)} {_one(wrong)}), right on the {right} cases of "
                f"other dtypes: a dtype hard-coded, or precision lost in {dtype} (accumulate in a wider type)?"
            )
    return None


def _block_hint(items, failed: list[bool]) -> str | None:
    lasts = [_first_matrix(_inputs(i)) for i in items]
    lasts = [x if x is not None else next(iter(_inputs(i)), None) for x, i in zip(lasts, items, strict=True)]
    sizes = [None if x is None or x.ndim == 0 else x.shape[-1] for x in lasts]
    for block in BLOCKS:
        values = [None if s is None else s % block != 0 for s in sizes]
        found = _separates(values, failed)
        if found:
            right, wrong = found
            odd = sorted({s for s, f in zip(sizes, failed, strict=True) if f and s is not None})
            return (
                f"right when the last size is a multiple of {block}, wrong on {_all(wrong)} {_one(wrong)} where it is "
                f"not ({', '.join(map(str, odd[:4]))}): a tail not handled (a missing mask, or a loop that stops at "
                "the last full block)?"
            )
    return None


def _trait_hints(items, failed: list[bool]) -> list[str]:
    """The cases' declared traits (Case.traits): what their inputs cannot show."""
    found = []
    for trait in dict.fromkeys(t for i in items for t in getattr(i.case, "traits", ())):
        separated = _separates([trait in getattr(i.case, "traits", ()) for i in items], failed)
        if separated:
            right, wrong = separated
            found.append(f"wrong only on {_all(wrong)} {_one(wrong)} with {trait}, right on the {right} others")
    return found


# -- the pass over every case -----------------------------------------------------------------------


def across(planned: list, results: dict[int, dict]) -> dict[int, list[str]]:
    """index -> the case's new list of hints, for the failing cases this view adds to (or prunes)."""
    updates: dict[int, list[str]] = {}
    by_check: dict[str, list] = {}
    for item in planned:
        if item.index in results:
            by_check.setdefault(item.check.name, []).append(item)

    def failing(item) -> bool:
        return not results[item.index]["passed"]

    def add(item, hint: str) -> None:
        hints = updates.get(item.index, list(results[item.index]["hints"]))
        if hint not in hints:
            hints.append(hint)
        updates[item.index] = hints

    _drop_presuming(planned, by_check, failing, results, updates)
    for items in by_check.values():
        _prune_ambiguous(items, failing, results, updates)
        if not any(failing(i) for i in items):
            continue
        failed = [failing(i) for i in items]
        unnamed = [i for i in items if failing(i) and not i.probe_hints]
        if not unnamed:
            continue
        found = []
        for feature, text in FEATURES:
            values = [feature(_inputs(i)) for i in items]
            separated = _separates(values, failed)
            if separated:
                found.append(text(*separated, ""))
        found += [h for h in (_dtype_hint(items, failed), _block_hint(items, failed)) if h]
        found += _trait_hints(items, failed)
        for item in unnamed:
            for hint in found:
                add(item, hint)

    _forward_backward(by_check, failing, add)
    _named_elsewhere(by_check, failing, results, updates, add)
    return updates


def _drop_presuming(planned, by_check, failing, results, updates) -> None:
    """A probe's hint that presumes another check right (Probe.presumes) is withdrawn where that check fails."""
    failed_checks = {name for name, items in by_check.items() if any(failing(i) for i in items)}
    for item in planned:
        if item.index not in results or not failing(item):
            continue
        withdrawn = {p.hint for p in item.matched_probes if set(p.presumes) & failed_checks}
        if withdrawn:
            item.probe_hints = [h for h in item.probe_hints if h not in withdrawn]
            hints = updates.get(item.index, list(results[item.index]["hints"]))
            updates[item.index] = [h for h in hints if h not in withdrawn]


def _prune_ambiguous(items, failing, results, updates) -> None:
    """A case that cannot tell two mistakes apart is named by the check's cases that can: where two probes
    match a failing case, the one that matches more failing cases of the check is kept; and a probe that
    matches a single failing case, where another matches at least two, is taken for a coincidence."""
    counts = Counter(h for i in items if failing(i) for h in set(i.probe_hints))
    for item in items:
        if not failing(item) or not item.probe_hints:
            continue
        best = max(counts.values())
        if len(set(item.probe_hints)) >= 2:
            best_here = max(counts[h] for h in item.probe_hints)
            weaker = {h for h in item.probe_hints if counts[h] < best_here}
        else:
            weaker = {h for h in item.probe_hints if counts[h] == 1 and best >= 2}
        if weaker:
            item.probe_hints = [h for h in item.probe_hints if h not in weaker]
            hints = updates.get(item.index, list(results[item.index]["hints"]))
            updates[item.index] = [h for h in hints if h not in weaker]


BACKWARD_WORDS = (("_backward", ""), ("_grad", ""), ("backward", "forward"), ("grad", "forward"))


def _forward_backward(by_check: dict[str, list], failing, add) -> None:
    for name, items in by_check.items():
        for word, replacement in BACKWARD_WORDS:
            if word not in name:
                continue
            forward = by_check.get(name.replace(word, replacement, 1))
            if not forward or any(failing(i) for i in forward):
                continue
            wrong = [i for i in items if failing(i) and not i.probe_hints]
            if wrong:
                total = len(items)
                hint = (
                    f"forward right, backward wrong: `{forward[0].check.name}` passes all {len(forward)} cases, "
                    f"`{name}` fails {sum(failing(i) for i in items)} of {total}: check each local derivative, "
                    "and that the upstream gradient multiplies it"
                )
                for item in wrong:
                    add(item, hint)
            break


def _named_elsewhere(by_check: dict[str, list], failing, results, updates, add) -> None:
    """A failing case with no hint at all, in an exercise where another check failed with a named mistake."""
    named: list[tuple[str, str]] = []
    for name, items in by_check.items():
        hints = Counter(h for i in items if failing(i) for h in i.probe_hints)
        if hints:
            named.append((name, hints.most_common(1)[0][0]))
    if not named:
        return
    for name, items in by_check.items():
        others = [(n, h) for n, h in named if n != name]
        if not others:
            continue
        other, hint = others[0]
        for item in items:
            current = updates.get(item.index, results[item.index]["hints"])
            if failing(item) and not current:
                add(
                    item,
                    f"`{other}` fails with a named mistake, and this check may fail from the same one: fix that "
                    f"first ({hint})",
                )
