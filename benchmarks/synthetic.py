"""A generated curriculum of any size, for the sync benchmarks and the crash tests."""

from __future__ import annotations

from pathlib import Path


def write_synthetic_curriculum(
    folder: Path, items: int, *, tracks: int = 5, modules_per_track: int = 20, children: int = 3, tag: str = ""
) -> int:
    """Write `tracks` YAML files holding `items` items in all (parents with `children` each); return the count."""
    folder.mkdir(parents=True, exist_ok=True)
    per_module = max(1, items // (tracks * modules_per_track))
    written = 0
    for t in range(tracks):
        lines = [
            f"id: synth{t}",
            f"title: Synthetic track {t} {tag}".rstrip(),
            "categories:",
            f"  - id: cat{t}",
            "    title: Category",
            "    modules:",
        ]
        for m in range(modules_per_track):
            module_id = f"s{t}-m{m}"
            lines += [
                f"      - id: {module_id}",
                f"        title: Module {m}",
                "        sections:",
                "          - kind: concepts",
                "            items:",
            ]
            n = 0
            while n < per_module:
                lines += [
                    f"              - id: {module_id}/i{n}",
                    f"                text: Item {n} of {module_id} {tag}".rstrip(),
                ]
                parent = n
                n += 1
                kids = min(children, per_module - n)
                if kids:
                    lines.append("                children:")
                for _ in range(kids):
                    lines += [
                        f"                  - id: {module_id}/i{n}",
                        f"                    text: Child {n} of item {parent} {tag}".rstrip(),
                    ]
                    n += 1
            written += n
        (folder / f"synth{t}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written
