"""The mutation-testing table of reference_impls/README.md, from a full run's JSON.

    learn verify --mutants --all --json > /tmp/mutants_all.json
    python -m benchmarks.mutation_table /tmp/mutants_all.json --seconds 512

prints the summary line and the Markdown table (per exercise: mutants, killed, equivalent, score,
goal) to paste under "Mutation testing".
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def table(exercises: list[dict]) -> str:
    rows = ["| Exercise | Mutants | Killed | Equivalent | Score | Goal |", "|---|---:|---:|---:|---:|:-:|"]
    for e in sorted(exercises, key=lambda e: e["id"]):
        score = "error" if e.get("error") else f"{100 * e['score']:.1f} %"
        rows.append(
            f"| `{e['id']}` | {e['mutants']} | {e['killed']} | {e['equivalent']} | {score} | "
            f"{'✔' if e['meets_goal'] else '✘'} |"
        )
    return "\n".join(rows)


def summary(exercises: list[dict], seconds: float | None) -> str:
    met = sum(e["meets_goal"] for e in exercises)
    line = (
        f"{len(exercises)} exercises, {sum(e['mutants'] for e in exercises)} mutants, "
        f"{sum(e['killed'] for e in exercises)} killed, {sum(e['equivalent'] for e in exercises)} declared "
        f"equivalent, {sum(len(e['survived']) for e in exercises)} survived; {met} of {len(exercises)} "
        "exercises at the goal"
    )
    return line + (f"; {seconds:.0f} s wall time" if seconds is not None else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json_file", type=Path, help="the output of learn verify --mutants --all --json")
    parser.add_argument("--seconds", type=float, help="the run's wall time, for the summary line")
    args = parser.parse_args()
    exercises = json.loads(args.json_file.read_text(encoding="utf-8"))["exercises"]
    print(summary(exercises, args.seconds))
    print()
    print(table(exercises))


if __name__ == "__main__":
    main()
