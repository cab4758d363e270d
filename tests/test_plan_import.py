"""app.plan_import: markdown study plans -> curriculum tracks.

The expected item lists are computed from the raw plan lines with small regexes of this file's
own, never with the importer's helpers, so the two can disagree.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from app.curriculum.schema import ID_PATTERN, Item, Track
from app.plan_import import ImportedPlan, PlanImportError, import_plan

ROOT = Path(__file__).resolve().parents[1]
# The learner's five plans, byte for byte as they wrote them (a copy of ../shared/seeds).
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures" / "plans"
PACKAGE = ROOT / "app" / "plan_import"

CHECKBOX = re.compile(r"^(\s*)[-*+]\s+\[([ xX])\]\s*(.*)$")
NUMBERED = re.compile(r"^(\s*)\d+\.\s+(.*)$")
BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
MARKER = re.compile(r"\s*\*\*(OK|Now)[^*]*\*\*\s*$")
TRAILING_ITALIC = re.compile(r"\s+\*[^*]+\*\s*$")


def seed_text(prefix: str) -> str:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def imported(prefix: str) -> ImportedPlan:
    paths = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    return import_plan(seed_text(prefix), source=paths[0].name)


def demojibake(line: str) -> str:
    try:
        return line.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return line


def expected_text(raw: str) -> str:
    """What the item text of a plan line should be: markers, trailing italics and link URLs gone."""
    text = demojibake(raw).strip()
    text = MARKER.sub("", text)
    text = TRAILING_ITALIC.sub("", text)
    text = MD_LINK.sub(r"\1", text)
    return " ".join(text.split())


def walk(items: list[Item], depth: int = 1) -> Iterator[tuple[int, Item]]:
    for item in items:
        yield depth, item
        yield from walk(item.children, depth + 1)


def all_items(track: Track) -> list[tuple[int, Item]]:
    return [
        pair
        for category in track.categories
        for module in category.modules
        for section in module.sections
        for pair in walk(section.items)
    ]


def indent_depths(indents: list[int]) -> list[int]:
    """Nesting depth of each list line from its indentation (deeper indent = child)."""
    stack: list[int] = []
    depths = []
    for indent in indents:
        while stack and stack[-1] >= indent:
            stack.pop()
        stack.append(indent)
        depths.append(len(stack))
    return depths


def all_ids(track: Track) -> list[str]:
    ids = []
    for category in track.categories:
        for module in category.modules:
            ids.append(module.id)
            ids.extend(item.id for section in module.sections for _, item in walk(section.items))
    return ids


def assert_round_trip(plan: ImportedPlan) -> None:
    assert Track.model_validate(yaml.safe_load(plan.yaml_text)) == plan.track
    ids = all_ids(plan.track)
    assert len(ids) == len(set(ids))
    assert all(ID_PATTERN.match(i) for i in ids)


# -- the learner's five plans -------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_seed_imports_and_round_trips(prefix: str) -> None:
    plan = imported(prefix)
    assert plan.track.source and plan.track.source.startswith(prefix)
    assert plan.yaml_text.startswith("# Track ")
    assert "Â" not in plan.yaml_text and "â€" not in plan.yaml_text and "â†" not in plan.yaml_text
    assert_round_trip(plan)


def test_seed_002_has_all_548_checkboxes_at_their_depth() -> None:
    lines = [m for line in seed_text("002").splitlines() if (m := CHECKBOX.match(line))]
    depths = indent_depths([len(m.group(1)) for m in lines])
    expected = [(d, expected_text(m.group(3))) for d, m in zip(depths, lines, strict=True)]
    got = [(depth, item.text) for depth, item in all_items(imported("002").track)]
    assert len(expected) == 548
    assert got == expected


def test_seed_002_structure() -> None:
    plan = imported("002")
    track = plan.track
    categories = {c.title: c for c in track.categories}
    assert "Progress Dashboard" not in categories
    basics = categories["Revisiting the Basics"]
    assert [m.id for m in basics.modules] == [f"0.{n}" for n in range(1, 11)]
    assert basics.description and basics.description.startswith("Build rock-solid foundations")
    m01 = basics.modules[0]
    assert m01.title == "Core Machine Learning Fundamentals"
    assert m01.summary == "Mathematical foundations and classical algorithms implemented from scratch"
    assert [(s.kind, s.title) for s in m01.sections] == [
        ("concepts", "Core Concepts Checklist"),
        ("checks", "Knowledge Checks"),
        ("capstone", "Capstone Project: ML Algorithm Library"),
    ]
    m07 = basics.modules[6]
    assert [s.kind for s in m07.sections] == ["concepts", "milestones", "checks", "capstone"]
    assert m07.sections[2].items[0].text.startswith("**Check 1:** Verify micrograd")
    m010 = basics.modules[9]
    assert [s.kind for s in m010.sections] == ["papers", "standards", "checks", "capstone"]
    modules = {m.id: m for c in track.categories for m in c.modules}
    assert modules["1.2"].tables[0].columns == ["Feature", "QLoRA", "GPTQ", "AWQ", "SmoothQuant"]
    assert modules["1.2"].tables[0].rows[0][0] == "Core Mechanism"  # bold stripped
    assert modules["1.4"].tables[0].title == "GGUF Structure Overview"
    assert len(modules["1.5"].tables[0].rows) == 5
    arsenal = next(m for m in modules.values() if m.resources)
    assert [g.title for g in arsenal.resources] == [
        "Quantization & Compression",
        "Deployment & Serving",
        "Low-Level & Profiling",
        "Core Frameworks",
    ]
    assert track.log_template and track.log_template.startswith("YYYY-MM-DD: Module X.Y - Title\n")
    assert track.description and "Let's see how far I go" in track.description
    assert any("Progress Dashboard" in reason for _, reason in plan.dropped)
    assert '# plan line 7: "Progress Dashboard" table dropped' in plan.yaml_text


def test_seed_001_flat_checkboxes_and_mojibake() -> None:
    lines = [m for line in seed_text("001").splitlines() if (m := CHECKBOX.match(line))]
    got = all_items(imported("001").track)
    assert len(lines) == 75
    assert [(d, i.text) for d, i in got] == [(1, expected_text(m.group(3))) for m in lines]
    assert "Complexity of attention (O(n²))" in [i.text for _, i in got]
    kinds = {m.title: m.sections[0].kind for c in imported("001").track.categories for m in c.modules}
    assert kinds["Deliverables (code to write)"] == "deliverables"
    assert kinds["Fluency Drills (explain in <30 sec)"] == "drills"


def test_seed_003_done_items_duplicates_and_empty_lines() -> None:
    plan = imported("003")
    lines = [m for line in seed_text("003").splitlines() if (m := CHECKBOX.match(line))]
    expected: list[str] = []
    for m in lines:  # empty checkboxes dropped, duplicate lines merged (the duplicates are siblings)
        text = expected_text(m.group(3))
        if text and text not in expected:
            expected.append(text)
    got = all_items(plan.track)
    assert [i.text for _, i in got] == expected
    done = [i.text for _, i in got if i.status == "done"]
    assert done == [expected_text(m.group(3)) for m in lines if m.group(2) == "x"]
    assert len(done) == 3
    zotero = [i for _, i in got if i.text == "Zotero | Your personal research assistant"]
    assert len(zotero) == 1 and zotero[0].links[0].url.startswith("https://www.zotero.org/")
    assert any("→ error" in i.text for _, i in got)
    reasons = [reason for _, reason in plan.dropped]
    assert reasons.count("empty checkbox dropped") == 2
    assert sum("duplicate of line" in r for r in reasons) == 2
    assert "# plan line 9: empty checkbox dropped" in plan.yaml_text


def test_seed_000_markers_notes_and_links() -> None:
    raw = seed_text("000").splitlines()
    lines = [line for line in raw if NUMBERED.match(line) or BULLET.match(line)]
    got = all_items(imported("000").track)
    contents = [(NUMBERED.match(line) or BULLET.match(line)).group(2) for line in lines]  # type: ignore[union-attr]
    assert [i.text for _, i in got] == [expected_text(c) for c in contents]
    for (_, item), line in zip(got, lines, strict=True):
        want = "done" if "**OK**" in line else "in_progress" if "**Now" in line else None
        assert item.status == want, line
    by_text = {i.text: i for _, i in got}
    assert by_text["Basic distributed training implementations"].notes == "see NanoGPT/Chat"
    assert by_text["Speculative Decoding"].notes == "See This"
    vlm = by_text["Vision Language Models (VLMs)/Image Transformer/Vision Transformer (ViT)"]
    assert vlm.notes == "NanoChat + SIGLIP" and vlm.links[0].url == "https://arxiv.org/abs/1802.05751"
    [blocks] = [i for _, i in got if i.text.startswith("Transformer Blocks *Optimizations* (RMSNorm")]
    assert blocks.status == "in_progress"  # italics inside the text stay markdown
    modules = [m for c in imported("000").track.categories for m in c.modules]
    assert modules[0].notes and "Implement custom layer for..." in modules[0].notes
    assert [s.title for s in modules[-1].sections] == [None, "References"]
    assert modules[-1].sections[1].kind == "resources"


def test_seed_004_deep_bullets_become_notes() -> None:
    raw = seed_text("004").splitlines()
    shallow = [line for line in raw if (m := NUMBERED.match(line) or BULLET.match(line)) and len(m.group(1)) <= 4]
    got = all_items(imported("004").track)
    assert [i.text for _, i in got] == [expected_text(re.sub(r"^\s*(\d+\.|-)\s+", "", x)) for x in shallow]
    by_text = {i.text: i for _, i in got}
    mean = by_text["torch.mean()"]
    assert mean.notes and "keepdim=False" in mean.notes and "squeeze only works on size-1" in mean.notes
    assert "\n  - Important: squeeze" in mean.notes  # nesting kept as a markdown list
    assert ".values" in (by_text["torch.max()"].notes or "")
    alibi = "https://leetgpu.com/challenges/attention-with-linear-biases"
    masked = by_text[f"Masked, Sliding Window, ALiBi ({alibi})"]  # a bare URL stays in the text
    assert [link.url for link in masked.links] == [alibi]
    assert imported("004").track.title == "PyTorch Round 1"


# -- plans of other shapes ----------------------------------------------------------------------


def fixture(name: str) -> ImportedPlan:
    return import_plan((FIXTURES / name).read_text(encoding="utf-8"), source=name)


def test_numbered_plan_with_nested_bullets() -> None:
    plan = fixture("numbered_weeks.md")
    assert_round_trip(plan)
    track = plan.track
    assert track.title == "Eight Weeks of Deep Learning"
    assert track.description and track.description.startswith("A numbered plan")
    [category] = track.categories  # one heading level below the title: modules of one category
    assert [(m.id, m.title) for m in category.modules] == [("1", "Tensors"), ("2", "Training")]
    assert all(m.sections[0].kind == "topics" for m in category.modules)
    shapes = category.modules[0].sections[0].items[0]
    assert [c.text for c in shapes.children] == ["view vs reshape", "broadcasting rules"]
    assert shapes.children[0].notes == "- view needs contiguous memory\n  - call .contiguous() first"
    assert shapes.children[1].status == "done"
    autograd, read = category.modules[0].sections[0].items[1:]
    assert autograd.status == "in_progress"
    assert read.text == "Read the autograd notes" and read.notes == "short"
    assert read.links[0].url.startswith("https://pytorch.org/")
    loop, schedules = category.modules[1].sections[0].items
    assert [c.text for c in loop.children] == ["zero_grad, backward, step", "evaluation mode"]  # * and + bullets
    assert [c.text for c in schedules.children] == ["Warmup", "Cosine decay"]  # nested numbered lines


def test_deep_headings_table_resources_and_log_template() -> None:
    plan = fixture("deep_headings.md")
    assert_round_trip(plan)
    track = plan.track
    assert track.description == "> Notes for the systems half of the course."
    assert track.log_template == "DATE: what I did\n"
    [part] = track.categories  # "Progress" and "Journal" held only derived data and the template
    assert (part.title, part.description) == ("Part A: Kernels", "Write fast kernels, then measure them.")
    memory, tooling = part.modules
    assert (memory.id, memory.title, memory.summary) == ("3", "Memory", "Where the bytes live")
    assert memory.notes == "A paragraph of module notes."
    assert [(s.kind, s.title) for s in memory.sections] == [
        ("concepts", "Concepts"),
        ("checks", "Exercises"),
        ("checklist", "Stretch goals"),
    ]
    registers, coalescing = memory.sections[0].items
    assert registers.status == "done"  # "* [X]"
    assert [c.text for c in coalescing.children] == ["Strided access", "Vectorized loads"]
    assert coalescing.children[1].notes == "- see the CUDA guide https://docs.nvidia.com/cuda/"
    assert [i.text for i in memory.sections[1].items] == ["Measure copy bandwidth"]
    [table] = memory.tables
    assert (table.title, table.columns) == ("Bandwidth Table", ["Level", "Bandwidth"])  # bold stripped
    assert table.rows == [["HBM", "3 TB/s"], ["L2", "10 TB/s"]]
    [group] = tooling.resources
    assert group.title == "Useful tools"
    entries = [(e.text, e.url) for e in group.entries]
    assert entries == [("Nsight Compute", None), ("Triton", "https://triton-lang.org")]
    assert [line for line, _ in plan.dropped] == [33, 34, 48]
    assert "# plan line 33: duplicate of line 32 merged into it" in plan.yaml_text
    assert "# plan line 34: empty checkbox dropped" in plan.yaml_text


def test_flat_plan_links_labels_mojibake_and_merges() -> None:
    plan = fixture("flat_links.md")
    assert_round_trip(plan)
    track = plan.track
    assert track.title == "Reading list"
    [module] = track.categories[0].modules
    first, papers = module.sections
    texts = [i.text for i in first.items]
    assert texts[0] == "Attention Is All You Need" and first.items[0].status == "done"
    assert first.items[0].links[0].url == "https://arxiv.org/abs/1706.03762"
    assert texts[1] == "https://jalammar.github.io/illustrated-transformer/"  # a bare URL keeps its text
    assert first.items[1].links[0].url == texts[1]
    assert texts[3] == "Complexity is O(n²) → quadratic; été stays correct as été, W₀ and █ too"
    assert len(texts) == 4  # line 7 merged into line 5
    assert (papers.kind, papers.title) == ("papers", "Papers to Read")
    assert [(i.text, i.status, i.notes) for i in papers.items] == [
        ("FlashAttention", None, None),
        ("PagedAttention", "done", "see vLLM"),
    ]


def test_ids_avoid_taken_ids_and_track_id_overrides() -> None:
    plan = import_plan(
        seed_text("001"),
        source="001.txt",
        track_id="interview",
        taken_ids={"transformers", "cuda/memory-coalescing", "dl-fundamentals/neurons-layers-forward-pass"},
    )
    assert plan.track.id == "interview"
    module_ids = [m.id for m in plan.track.categories[0].modules]
    assert "transformers" not in module_ids and "interview-transformers" in module_ids
    ids = all_ids(plan.track)
    assert "cuda/memory-coalescing-2" in ids and "cuda/memory-coalescing" not in ids
    assert "dl-fundamentals/neurons-layers-forward-pass-2" in ids
    assert_round_trip(plan)


def test_item_ids_are_readable_slugs() -> None:
    track = imported("002").track
    ids = all_ids(track)
    assert "0.1/linear-algebra-essentials" in ids
    assert all(len(i.split("/", 1)[1]) <= 40 for i in ids if "/" in i)


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "line"),
    [
        ("", 1),
        ("   \n\n\t\n", 1),
        ("# Only a title\n\nSome prose, no list.\n\n## A heading\n\nMore prose.\n", 1),
        ("\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", 3),
    ],
)
def test_nothing_importable_raises_a_one_line_error(markdown: str, line: int) -> None:
    with pytest.raises(PlanImportError) as caught:
        import_plan(markdown, source="bad.md")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"bad.md line {line}:")
    assert isinstance(caught.value, ValueError)


def test_package_imports_no_ui_or_database_library() -> None:
    forbidden = {"typer", "rich", "textual", "sqlmodel", "sqlalchemy"}
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not {n.split(".")[0] for n in names} & forbidden, f"{path.name} imports {names}"
