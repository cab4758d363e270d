"""Numbers in failure messages: as many significant digits as it takes to show that they differ.

No numpy here: the CLI imports it to print a report.
"""

from __future__ import annotations

from typing import Any


def distinct(actual: Any, expected: Any, least: int = 7) -> tuple[str, str]:
    """Two numbers as text with the fewest significant digits (at least `least`) that tell them apart, so that
    a report never reads "got -0.1795876, expected -0.1795876"."""
    if not (isinstance(actual, float) and isinstance(expected, float)):
        return str(actual), str(expected)
    for digits in range(least, 18):
        a, e = f"{actual:.{digits}g}", f"{expected:.{digits}g}"
        if a != e or actual == expected:
            return a, e
    return repr(actual), repr(expected)
