"""How much of what the plans ask the learner to build is checked by an exercise (issue 16's count).

The counted items: in the inference track, every item of a `checks`, `capstone` or `milestones` section
(a grouping item whose children are listed, such as "Phase 1" or "Milestone 2", is not counted: its
children are), and every item of the interview's `deliverables`; less the items that ask for a written
answer only ("Explain ...", "Describe ..."), listed with a reason in benchmarks/coverage_items.toml
`[written]`. An item is ticked when an exercise of reference_impls/catalog.toml names it in `items`.

Three figures, against the targets of issue 16:
- overall: ticked / counted                                          >= 75 %
- core: the same over modules 1.x and the interview's deliverables   >= 80 %
- offline: the same over the counted items checkable offline in seconds, i.e. less those of
  coverage_items.toml `[not_offline]` (each with its reason: a GPU's speed, a hub model, a cloud
  deployment, a write-up)                                            >= 90 %

    python -m benchmarks.coverage            # the figures, then the items not ticked
    python -m benchmarks.coverage --json     # the same as JSON

Exit status 0, or 2 when coverage_items.toml names an item that does not exist, an item that is not
counted, or an item both ticked and marked not checkable offline.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).with_name("coverage_items.toml")

COUNTED_SECTIONS = {"inference": ("checks", "capstone", "milestones"), "interview": ("deliverables",)}
TARGETS = {"overall": 0.75, "core": 0.80, "offline": 0.90}


@dataclass
class Item:
    id: str
    module: str
    text: str
    core: bool  # module 1.x or the interview's deliverables
    exercises: list[str] = field(default_factory=list)
    offline: bool = True


@dataclass
class Coverage:
    items: list[Item]  # the counted items
    written: dict[str, str]  # id -> reason, left out of the count
    written_checked: list[str]  # written-answer items an exercise ticks anyway
    not_offline: dict[str, str]  # id -> reason
    problems: list[str]

    def figure(self, name: str) -> tuple[int, int]:
        chosen = [
            item
            for item in self.items
            if name == "overall" or (name == "core" and item.core) or (name == "offline" and item.offline)
        ]
        return sum(bool(item.exercises) for item in chosen), len(chosen)


def _is_core(module: str) -> bool:
    return module.startswith("1.") or module == "iv-deliverables"


def count() -> Coverage:
    """The counted items, each with the exercises that tick it, and the problems of the data file."""
    sys.path.insert(0, str(REPO))
    from app.curriculum.load import load_curriculum, walk_items
    from app.locations import curriculum_dir
    from reference_impls.catalog import infos

    with DATA.open("rb") as fh:
        data = tomllib.load(fh)
    written: dict[str, str] = data.get("written", {})
    not_offline: dict[str, str] = data.get("not_offline", {})

    ticked_by: dict[str, list[str]] = {}
    for exercise in infos().values():
        for item_id in exercise.items:
            ticked_by.setdefault(item_id, []).append(exercise.id)

    every_id: set[str] = set()
    items: list[Item] = []
    for track_file in load_curriculum(curriculum_dir()):
        track = track_file.track
        for category in track.categories:
            for module in category.modules:
                for section in module.sections:
                    counted = section.kind in COUNTED_SECTIONS.get(track.id, ())
                    for item, _depth, _parent in walk_items(section.items):
                        every_id.add(item.id)
                        if counted and not item.children and item.id not in written:
                            items.append(
                                Item(
                                    item.id,
                                    module.id,
                                    item.text,
                                    _is_core(module.id),
                                    ticked_by.get(item.id, []),
                                    item.id not in not_offline,
                                )
                            )

    counted_ids = {item.id for item in items}
    problems = []
    for table, ids in (("written", written), ("not_offline", not_offline)):
        for item_id, reason in ids.items():
            if item_id not in every_id:
                problems.append(f"{DATA.name} [{table}] '{item_id}': no such item in curriculum/; remove it")
            elif table == "not_offline" and item_id not in counted_ids:
                problems.append(f"{DATA.name} [{table}] '{item_id}': not a counted item; remove it")
            if not str(reason).strip():
                problems.append(f"{DATA.name} [{table}] '{item_id}': give the reason")
    for item in items:
        if item.exercises and not item.offline:
            problems.append(
                f"{DATA.name} [not_offline] '{item.id}': ticked by {', '.join(item.exercises)}; remove it there"
            )
    written_checked = [item_id for item_id in written if item_id in ticked_by]
    return Coverage(items, written, written_checked, not_offline, problems)


def as_json(coverage: Coverage) -> dict:
    figures = {}
    for name, target in TARGETS.items():
        ticked, total = coverage.figure(name)
        figures[name] = {"ticked": ticked, "counted": total, "fraction": ticked / total, "target": target}
    return {
        "figures": figures,
        "items": [
            {
                "id": item.id,
                "module": item.module,
                "core": item.core,
                "offline": item.offline,
                "exercises": item.exercises,
            }
            for item in coverage.items
        ],
        "written": coverage.written,
        "written_checked": coverage.written_checked,
        "not_offline": coverage.not_offline,
        "problems": coverage.problems,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures and the items as JSON")
    options = parser.parse_args(argv)
    coverage = count()
    if options.json:
        print(json.dumps(as_json(coverage), indent=2))
    else:
        labels = {
            "overall": "overall",
            "core": "modules 1.x + interview deliverables",
            "offline": "checkable offline in seconds",
        }
        print("| items | ticked | counted | share | target |\n|---|---|---|---|---|")
        for name, target in TARGETS.items():
            ticked, total = coverage.figure(name)
            share = ticked / total
            verdict = "met" if share >= target else "not met"
            print(f"| {labels[name]} | {ticked} | {total} | {share:.0%} | >= {target:.0%}: {verdict} |")
        print(
            f"\nLeft out: {len(coverage.written)} items asking for a written answer "
            f"({len(coverage.written_checked)} of them checked anyway by an exercise building the thing explained)."
        )
        missing = [item for item in coverage.items if not item.exercises and item.offline]
        print(f"\nNot ticked, checkable offline ({len(missing)}):")
        for item in missing:
            print(f"  {item.id}{'  [core]' if item.core else ''}: {item.text[:90]}")
    for problem in coverage.problems:
        print(problem, file=sys.stderr)
    return 2 if coverage.problems else 0


if __name__ == "__main__":
    sys.exit(main())
