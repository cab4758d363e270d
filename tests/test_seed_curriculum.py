"""The curated curriculum (curriculum/*.yaml) holds everything in the learner's five plans.

Every file validates against the schema; ids are unique across all files; the status markers of the
plans are kept; and every non-empty content line of every plan (list lines, numbered lines, notes,
table cells, paper titles, tool names, template lines, headings, paragraphs) is reachable in some
string of the YAML. The expected lines come from the raw plans with this file's own regexes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.curriculum.schema import ID_PATTERN, Item, Track

ROOT = Path(__file__).resolve().parents[1]
CURRICULUM = ROOT / "curriculum"
# The learner's five plans, byte for byte as they wrote them (a copy of ../shared/seeds).
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
TRACKS = {"fundamentals": "000", "interview": "001", "inference": "002", "transformers": "003", "pytorch": "004"}

CHECKBOX = re.compile(r"^(\s*)[-*+]\s+\[([ xX])\]\s*(.*)$")
LIST_MARK = re.compile(r"^\s*(?:[-*+]\s+\[[ xX]\]|[-*+]|\d+\.)(?:\s+|$)")
MD_LINK = re.compile(r"!?\[([^\]]+)\]\(([^)\s]+)\)")
STATUS_MARK = re.compile(r"\*\*(OK|Now)(?:,\s*([^*]+))?\*\*")
TRAILING_ITALIC = re.compile(r"\s\*([^*]+)\*\s*$")
TABLE_SEPARATOR = re.compile(r"^\|[\s:|-]+\|$")


def seed_lines(track_id: str) -> list[str]:
    [path] = SEEDS.glob(f"{TRACKS[track_id]}_*.txt")
    return path.read_text(encoding="utf-8").splitlines()


@cache
def load(track_id: str) -> tuple[dict[str, Any], Track]:
    data = yaml.safe_load((CURRICULUM / f"{track_id}.yaml").read_text(encoding="utf-8"))
    return data, Track.model_validate(data)


def demojibake(line: str) -> str:
    """UTF-8 read as cp1252, decoded back where the whole line allows it (a test-side, independent fix)."""
    try:
        return line.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return line


def norm(text: str) -> str:
    """Compare text without markup: no links syntax, bold, italics or backticks; spaces collapsed."""
    text = MD_LINK.sub(r"\1", demojibake(text))
    text = text.replace("**", "").replace("`", "")
    text = re.sub(r"(?<![\w*])\*([^*\s][^*]*?)\*(?!\w)", r"\1", text)
    return " ".join(text.split()).casefold().strip().rstrip(":").strip()


def walk(items: list[Item], depth: int = 1) -> Iterator[tuple[int, Item]]:
    for item in items:
        yield depth, item
        yield from walk(item.children, depth + 1)


def items_of(track: Track) -> list[tuple[int, Item]]:
    return [
        pair
        for category in track.categories
        for module in category.modules
        for section in module.sections
        for pair in walk(section.items)
    ]


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def make_haystack(data: dict[str, Any]) -> str:
    """Every string of a curriculum file, without markup (and as written, for URLs inside markdown)."""
    return "\n".join(f"{norm(s)}\n{' '.join(s.split()).casefold()}" for s in strings(data))


def fragments(line: str) -> list[str]:
    """The pieces of one plan line that must each be reachable: text, status notes, italic notes, URLs."""
    text = demojibake(line).strip()
    if text.startswith("#"):
        heading = text.lstrip("#").strip()
        if numbered := re.fullmatch(r"Module (\S+): (.+)", heading):  # "Module 0.1: Title": id and title
            return [numbered.group(1), numbered.group(2)]
        return [heading]
    if text.startswith(">"):
        return [text.lstrip(">").strip()]
    if text.startswith("|"):
        return [cell.strip() for cell in text.strip("|").split("|") if cell.strip()]
    text = LIST_MARK.sub("", text, count=1)
    pieces = [note for _, note in STATUS_MARK.findall(text) if note]
    text = STATUS_MARK.sub("", text).strip()
    if italic := TRAILING_ITALIC.search(text):
        pieces.append(italic.group(1))
        text = text[: italic.start()]
    pieces.extend(url for _, url in MD_LINK.findall(text))
    return [p for p in [text, *pieces] if norm(p)]


# Lines of the plans that are deliberately nowhere in the curriculum, each with why.
def is_exception(track_id: str, lines: list[str], n: int) -> bool:
    line = lines[n].strip()
    if re.fullmatch(r"-{3,}|`{3,}\w*", line) or TABLE_SEPARATOR.match(line):  # markup, not content
        return True
    if track_id == "inference":
        # The "Progress Dashboard" heading and table: derived data (the app computes progress);
        # the importer records the drop as a comment at the top of inference.yaml.
        start = lines.index("## Progress Dashboard")
        end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
        return start <= n < end
    return False


# -- the files ----------------------------------------------------------------------------------


def test_one_file_per_track_with_the_right_ids() -> None:
    assert sorted(p.stem for p in CURRICULUM.glob("*.yaml")) == sorted(TRACKS)
    for track_id in TRACKS:
        _, track = load(track_id)
        assert track.id == track_id
        assert track.source and track.source.startswith(TRACKS[track_id])


def test_ids_are_unique_across_all_files() -> None:
    module_ids: list[str] = []
    item_ids: list[str] = []
    for track_id in TRACKS:
        _, track = load(track_id)
        for category in track.categories:
            for module in category.modules:
                module_ids.append(module.id)
                item_ids.extend(item.id for section in module.sections for _, item in walk(section.items))
    everything = module_ids + item_ids
    duplicates = sorted({i for i in everything if everything.count(i) > 1})
    assert not duplicates
    assert all(ID_PATTERN.match(i) for i in everything)
    assert all(len(i) <= 60 for i in everything)


def test_module_ids() -> None:
    modules = {t: [m.id for c in load(t)[1].categories for m in c.modules] for t in TRACKS}
    assert modules["inference"] == [
        *(f"0.{n}" for n in range(1, 11)),
        *(f"1.{n}" for n in range(1, 7)),
        "2.1",
        "2.2",
        "arsenal",
        "pantheon",
    ]
    prefixes = {"interview": "iv-", "fundamentals": "fu-", "transformers": "tf-", "pytorch": "pt-"}
    for track_id, prefix in prefixes.items():
        assert all(m.startswith(prefix) for m in modules[track_id]), track_id
    assert modules["transformers"] == ["tf-basic", "tf-intermediate", "tf-advanced"]


# -- inference (plan 002) -----------------------------------------------------------------------


def test_inference_has_the_548_checkboxes_of_its_plan_at_their_depth() -> None:
    lines = [m for line in seed_lines("inference") if (m := CHECKBOX.match(line))]
    expected = [(1 if not m.group(1) else 2, " ".join(demojibake(m.group(3)).split())) for m in lines]
    got = [(depth, item.text) for depth, item in items_of(load("inference")[1])]
    assert len(expected) == 548
    assert got == expected


def test_inference_structure() -> None:
    _, track = load("inference")
    categories = {c.id: c for c in track.categories}
    assert list(categories) == ["basics", "miniaturization", "serving", "references"]
    assert [m.id for m in categories["miniaturization"].modules] == [f"1.{n}" for n in range(1, 7)]
    assert [m.id for m in categories["serving"].modules] == ["2.1", "2.2"]
    modules = {m.id: m for c in track.categories for m in c.modules}
    for category in ("basics", "miniaturization", "serving"):
        assert categories[category].description
        assert all(m.summary for m in categories[category].modules)
    assert modules["0.1"].summary == "Mathematical foundations and classical algorithms implemented from scratch"
    assert [(s.kind, s.title) for s in modules["0.7"].sections] == [
        ("concepts", "Core Concepts Checklist"),
        ("milestones", "Implementation Milestones"),
        ("checks", "Knowledge Checks"),
        ("capstone", "Capstone Project: Complete GPT Implementation and Training"),
    ]
    assert all(i.text.startswith(f"**Check {n}:**") for n, i in enumerate(modules["0.7"].sections[2].items, 1))
    assert [s.kind for s in modules["0.10"].sections] == ["papers", "standards", "checks", "capstone"]
    assert [s.kind for s in modules["2.2"].sections] == ["concepts", "checks"]
    tables = {m: [(t.title, len(t.columns), len(t.rows)) for t in modules[m].tables] for m in modules}
    assert {m: t for m, t in tables.items() if t} == {
        "1.2": [("Comparative Analysis Table", 5, 5)],
        "1.4": [("GGUF Structure Overview", 4, 4)],
        "1.5": [("Memory Hierarchy Table", 6, 5)],
    }
    arsenal = modules["arsenal"]
    assert [g.title for g in arsenal.resources] == [
        "Quantization & Compression",
        "Deployment & Serving",
        "Low-Level & Profiling",
        "Core Frameworks",
    ]
    tools = [e.text for g in arsenal.resources for e in g.entries]
    assert len(tools) == 16 and "bitsandbytes" in tools and "Triton (Language)" in tools
    assert all("," not in tool for tool in tools)  # one entry per tool
    [papers] = modules["pantheon"].sections
    assert papers.kind == "papers" and len(papers.items) == 6
    assert track.log_template == (
        "YYYY-MM-DD: Module X.Y - Title\n"
        "Progress: [Current status and completed work]\n"
        "Key Insight: [Major understanding or breakthrough moment]\n"
        "Challenge: [Current obstacles and approach to resolution]\n"
        "Next Steps: [Planned actions and goals]\n"
    )


# -- status markers -----------------------------------------------------------------------------


def test_transformers_keeps_its_three_ticked_items() -> None:
    ticked = [
        " ".join(m.group(3).split())
        for line in seed_lines("transformers")
        if (m := CHECKBOX.match(line)) and m.group(2) == "x"
    ]
    done = [item.text for _, item in items_of(load("transformers")[1]) if item.status == "done"]
    assert len(ticked) == 3
    assert done == ticked


def test_fundamentals_ok_lines_done_and_now_lines_in_progress() -> None:
    by_text = {norm(item.text): item for _, item in items_of(load("fundamentals")[1])}
    marked = 0
    for line in seed_lines("fundamentals"):
        if "**OK**" in line or "**Now" in line:
            text = LIST_MARK.sub("", STATUS_MARK.sub("", line).strip())
            item = by_text[norm(text)]
            assert item.status == ("done" if "**OK**" in line else "in_progress"), line
            marked += 1
    assert marked == 6
    statuses = [item.status for _, item in items_of(load("fundamentals")[1]) if item.status]
    assert len(statuses) == marked  # nothing else carries a status
    assert by_text[norm("Basic distributed training implementations")].notes == "see NanoGPT/Chat"


def test_pytorch_api_notes_are_item_notes() -> None:
    by_text = {item.text: item for _, item in items_of(load("pytorch")[1])}
    assert "squeeze only works on size-1 dimensions" in (by_text["torch.mean()"].notes or "")
    assert "keepdim=True especially for downstream use" in (by_text["torch.max()"].notes or "")
    assert "Returns keys values + indices" in (by_text["torch.max()"].notes or "")


# -- nothing from the plans is lost -------------------------------------------------------------


@pytest.mark.parametrize("track_id", list(TRACKS))
def test_every_plan_line_is_reachable(track_id: str) -> None:
    data, _ = load(track_id)
    haystack = make_haystack(data)
    lines = seed_lines(track_id)
    missing = []
    for n, line in enumerate(lines):
        if not line.strip() or is_exception(track_id, lines, n):
            continue
        for piece in fragments(line):
            key = norm(piece)
            if key in haystack:
                continue
            if "," in piece and all(norm(part) in haystack for part in piece.split(",")):  # "tool, tool, tool"
                continue
            missing.append(f"line {n + 1}: {piece!r}")
    assert not missing, "\n".join(missing)


def test_the_reachability_check_can_fail() -> None:
    data, _ = load("interview")
    haystack = make_haystack(data)
    assert norm("Complexity of attention (O(nÂ²))") in haystack
    assert norm("A line that is in no plan") not in haystack
