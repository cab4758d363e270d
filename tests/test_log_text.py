"""An entry as text: the template filled in, and whatever the learner typed read back into fields."""

from __future__ import annotations

import pytest

from app.errors import LearnError
from app.journal.entry import EntryDraft, parse_day
from app.journal.entry_text import (
    DEFAULT_TEMPLATE,
    content_lines,
    fill_template,
    parse_entry_text,
    render_entry,
    template_fields,
    template_placeholders,
    to_draft,
)

MODULES = {"0.5": "Transformer Architecture Deep Dive", "2.1": "Modern AI Inference Stack Architecture"}


def resolve(ident: str) -> tuple[str, str | None]:
    wanted = ident.lower().removeprefix("module-")
    if wanted in MODULES:
        return wanted, MODULES[wanted]
    raise LearnError(f"no module '{ident}'; did you mean module-0.5?")


START = EntryDraft("2026-03-01", "0.5", MODULES["0.5"])


def read(text: str, start: EntryDraft = START) -> EntryDraft:
    return to_draft(parse_entry_text(text, template_placeholders(DEFAULT_TEMPLATE)), start, resolve)


def test_fields_in_any_order_over_several_lines_and_missing_ones_empty():
    draft = read(
        "2026-03-01: Module 0.5 - Transformer Architecture Deep Dive\n"
        "Next Steps: read the FlashAttention paper\n"
        "Progress: wrote attention from scratch\n"
        "  - masks\n"
        "\n"
        "  - multi-head\n"
        "Key Insight: sqrt(d_k) keeps softmax out of saturation\n"
    )
    assert draft.fields == {
        "progress": "wrote attention from scratch\n  - masks\n\n  - multi-head",
        "insight": "sqrt(d_k) keeps softmax out of saturation",
        "challenge": "",
        "next_steps": "read the FlashAttention paper",
    }
    assert (draft.date, draft.module_id, draft.module_title, draft.body) == ("2026-03-01", "0.5", MODULES["0.5"], "")


def test_label_spellings_markdown_and_repeated_labels():
    draft = read("**Progress:** one\n- Insights: two\n__Challenges__: three\nnext: four\nPROGRESS: one more\n")
    assert draft.fields == {"progress": "one\n\none more", "insight": "two", "challenge": "three", "next_steps": "four"}


def test_a_value_may_start_on_the_line_after_its_label():
    assert read("Challenge:\n  memory blows up at seq 8k\n").fields["challenge"] == "  memory blows up at seq 8k"


def test_comments_and_template_hints_count_for_nothing():
    text = fill_template(DEFAULT_TEMPLATE, START, ["# - Done: Self-Attention (Module 0.5)"])
    draft = read(text)
    assert draft.is_empty()
    # Uncommenting an activity line keeps it, under Progress where it sits.
    kept = read(text.replace("# - Done", "- Done"))
    assert kept.fields["progress"] == "- Done: Self-Attention (Module 0.5)"
    assert kept.fields["insight"] == ""


def test_the_filled_template_has_the_date_module_and_activity_under_progress():
    text = fill_template(DEFAULT_TEMPLATE, START, ["# Since you started:", "# - Done: X"])
    lines = text.splitlines()
    assert lines[0] == "2026-03-01: Module 0.5 - Transformer Architecture Deep Dive"
    assert lines[1] == "Progress: [Current status and completed work]"
    assert lines[2:4] == ["# Since you started:", "# - Done: X"]
    assert lines[4].startswith("Key Insight:")
    assert content_lines(text) == content_lines(
        DEFAULT_TEMPLATE.replace(
            "YYYY-MM-DD: Module X.Y - Title", "2026-03-01: Module 0.5 - Transformer Architecture Deep Dive"
        )
    )


def test_a_template_without_a_header_or_progress_line_still_gets_both_in_place():
    text = fill_template("Mood: [how it went]\n", EntryDraft("2026-03-01"), ["# - nothing"])
    assert text.splitlines()[:3] == ["2026-03-01:", "# - nothing", "Mood: [how it went]"]
    assert template_fields("YYYY-MM-DD: Module X.Y - Title\nProgress:\n") == ["progress"]
    assert template_fields(DEFAULT_TEMPLATE) == ["progress", "insight", "challenge", "next_steps"]


def test_header_line_changes():
    # A new date and another module.
    moved = read("2026-02-27: Module 2.1 - whatever\nProgress: x\n")
    assert (moved.date, moved.module_id, moved.module_title) == ("2026-02-27", "2.1", "whatever")
    assert read("2026-02-27: module-2.1\nProgress: x\n").module_title == MODULES["2.1"]
    assert read("2026-02-27 - 2.1\nProgress: x\n").module_id == "2.1"
    # Header deleted: the date and module it was opened with.
    kept = read("Progress: x\n")
    assert (kept.date, kept.module_id) == ("2026-03-01", "0.5")
    # The module part removed: no module; other text: the learner's own title.
    assert read("2026-03-01:\nProgress: x\n").module_id is None
    own = read("2026-03-01: Weekly review\nProgress: x\n")
    assert (own.module_id, own.module_title) == (None, "Weekly review")
    # The plan's template pasted as is: today's date and the module it was opened with.
    pasted = read("YYYY-MM-DD: Module X.Y - Title\nProgress: x\n")
    assert (pasted.date, pasted.module_id, pasted.module_title) == ("2026-03-01", "0.5", MODULES["0.5"])
    # The first line is not a header: it is free text.
    free = read("Great day.\nProgress: x\n")
    assert (free.body, free.date, free.module_id) == ("Great day.", "2026-03-01", "0.5")


def test_a_module_that_left_the_curriculum_is_kept_when_it_was_the_entries_own():
    gone = EntryDraft("2026-01-02", "9.9", "Old Title")
    draft = read("2026-01-02: Module 9.9 - Old Title\nProgress: x\n", gone)
    assert (draft.module_id, draft.module_title) == ("9.9", "Old Title")


def test_bad_headers_are_one_line_errors():
    with pytest.raises(LearnError, match=r"first line: no module '3\.3'; did you mean module-0\.5\?"):
        read("2026-03-01: Module 3.3 - Nope\nProgress: x\n")
    with pytest.raises(LearnError, match="'2026-02-30', which is not a date; use YYYY-MM-DD"):
        read("2026-02-30: Module 0.5\nProgress: x\n")


def test_free_text_goes_between_header_and_first_label():
    draft = read("2026-03-01: Module 0.5\nA long day.\n\nStill, progress.\nProgress: x\n")
    assert draft.body == "A long day.\n\nStill, progress."


def test_render_then_parse_gives_the_same_entry():
    entry = EntryDraft(
        "2026-03-01",
        "0.5",
        "My own title",
        {"progress": "line one\n# not a comment\n\nline three", "insight": "", "challenge": "c", "next_steps": "n"},
        "#hashtag body\nsecond",
    )
    text = render_entry(entry, ["progress", "insight", "challenge", "next_steps"], for_editor=True)
    assert "\\# not a comment" in text and "\\#hashtag body" in text
    assert "Key Insight:\n" in text  # an empty field of the template is there to fill
    assert read(text) == entry
    # Outside the editor nothing is escaped and empty fields are left out.
    plain = render_entry(entry)
    assert "# not a comment" in plain and "\\#" not in plain and "Key Insight" not in plain


def test_windows_line_endings_and_a_byte_order_mark():
    draft = read("\ufeff2026-03-01: Module 0.5\r\nProgress: x\r\n  y\r\n")
    assert draft.fields["progress"] == "x\n  y"


def test_parse_day():
    assert parse_day("2026-03-01") == "2026-03-01"
    for bad in ("2026/03/01", "20260301", "2026-02-30", "yesterday", ""):
        with pytest.raises(LearnError, match="use YYYY-MM-DD"):
            parse_day(bad)
