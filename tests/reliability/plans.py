"""Markdown study plans made up for the battery: a big one (for kill -9 during `learn import`)."""

from __future__ import annotations

import random


def big_plan(items: int, *, seed: int = 0, variant: str = "") -> str:
    """A plan of about `items` checklist lines: weeks > days > checkboxes, some nested, some ticked.

    Two variants of one seed have the same items (so the same ids) with the opposite markers, so
    importing one over the other (`--force`) rewrites every item of the track."""
    rng = random.Random(seed)
    lines = [f"# Big plan {seed}", "", "A generated plan for the crash tests.", ""]
    written = week = 0
    while written < items:
        week += 1
        lines += [f"## Week {week}: Topic {week}", ""]
        for day in range(1, 6):
            lines += [f"### Day {day}", ""]
            for n in range(rng.randint(8, 14)):
                done = "x" if (rng.random() < 0.3) != (variant == "b") else " "
                lines.append(f"- [{done}] Study item {week}.{day}.{n} of the plan")
                written += 1
                if n % 4 == 0:
                    sub = " " if variant == "b" else "x"
                    lines.append(f"  - [{sub}] Exercise {week}.{day}.{n}.1")
                    written += 1
            lines.append("")
    return "\n".join(lines) + "\n"
