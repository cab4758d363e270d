"""An entry as text: the plan's template filled in for the editor, and edited text parsed back.

The plan's template (a track's `log_template`)::

    YYYY-MM-DD: Module X.Y - Title
    Progress: [Current status and completed work]
    Key Insight: [Major understanding or breakthrough moment]
    Challenge: [Current obstacles and approach to resolution]
    Next Steps: [Planned actions and goals]

Parsing is forgiving, because people edit freely:
- lines starting with `#` are comments and are dropped (write `\\#` for a literal `#` at a line start);
- the first line is the header when it starts with a date; it sets the date and the module
  (`Module 0.5 - Title`, or just `0.5 - Title`); other text there becomes the entry's own title, and
  with no header at all the entry keeps the date and module it was opened with;
- a field starts at a line `Label: text` (any order; `**Label:**`, `- Label:`, `Insight`,
  `Challenges`, `Next` are read too) and runs to the next label, over as many lines as it takes;
  a label written twice collects both parts; a field left out is empty;
- a template hint left in place (`[Current status and completed work]`) counts as empty;
- text between the header and the first label is the entry's free text (its body).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from app.errors import LearnError
from app.journal.entry import FIELDS, LABELS, EntryDraft, module_label

DEFAULT_TEMPLATE = """\
YYYY-MM-DD: Module X.Y - Title
Progress: [Current status and completed work]
Key Insight: [Major understanding or breakthrough moment]
Challenge: [Current obstacles and approach to resolution]
Next Steps: [Planned actions and goals]
"""

_LABEL_NAMES = {
    "progress": "progress",
    "key insight": "insight",
    "key insights": "insight",
    "insight": "insight",
    "insights": "insight",
    "challenge": "challenge",
    "challenges": "challenge",
    "next steps": "next_steps",
    "next step": "next_steps",
    "next": "next_steps",
}
_LABEL = re.compile(
    r"^\s{0,3}(?:[-*+]\s+)?(?:\*\*|__)?(?P<label>key\s+insights?|insights?|progress|challenges?|next\s+steps?|next)"
    r"(?:\*\*|__)?\s*:(?:\*\*|__)?[ \t]*(?P<rest>.*)$",
    re.IGNORECASE,
)
_HEADER = re.compile(r"^\s*(?P<date>\d{4}-\d{1,2}-\d{1,2}|YYYY-MM-DD)(?P<rest>(?:[\s:–—-].*)?)$")
_UNFILLED_MODULE = "x.y"  # the template's own `Module X.Y - Title`, pasted as is
_UNFILLED_TITLE = "title"

INSTRUCTIONS = (
    "#",
    "# A Captain's Log entry. Lines starting with '#' are ignored. Write under each label (a field may",
    "# span lines; order does not matter; free text goes right under the first line). The first line",
    "# sets the date and module. Save and quit to log it; leave it unchanged or empty to discard it.",
)


def _field_of(label: str) -> str:
    return _LABEL_NAMES[" ".join(label.lower().split())]


def template_fields(template: str) -> list[str]:
    """The fields a template asks for, in its order."""
    found = [_field_of(m["label"]) for line in template.splitlines() if (m := _LABEL.match(line))]
    return list(dict.fromkeys(found))


def template_placeholders(template: str) -> set[str]:
    """The hints a template writes after its labels (`[Planned actions and goals]`)."""
    return {m["rest"].strip() for line in template.splitlines() if (m := _LABEL.match(line)) and m["rest"].strip()}


def header_line(draft: EntryDraft, *, for_editor: bool = True) -> str:
    """'2026-03-01: Module 0.5 - Title'; with no module or title, '2026-03-01:' in the editor (inviting
    a title) and '2026-03-01' elsewhere."""
    label = module_label(draft.module_id, draft.module_title)
    if label:
        return f"{draft.date}: {label}"
    return f"{draft.date}:" if for_editor else draft.date


def _escape(line: str) -> str:
    return "\\" + line if line.startswith("#") else line


def fill_template(template: str, draft: EntryDraft, activity: Iterable[str] = ()) -> str:
    """The template with the draft's date and module in its first line, the activity comments under
    `Progress:` (so a line the learner uncomments lands there), and the instructions at the end."""
    lines = template.rstrip("\n").splitlines()
    at = next((n for n, line in enumerate(lines) if "YYYY-MM-DD" in line), None)
    if at is None:
        lines.insert(0, header_line(draft))
        at = 0
    else:
        lines[at] = header_line(draft)
    labels = [(n, _field_of(m["label"])) for n, line in enumerate(lines) if (m := _LABEL.match(line))]
    progress = next((n for n, name in labels if name == "progress"), at)
    lines[progress + 1 : progress + 1] = list(activity)
    return "\n".join([*lines, *INSTRUCTIONS]) + "\n"


def render_entry(draft: EntryDraft, field_names: Iterable[str] = (), *, for_editor: bool = False) -> str:
    """The entry in the template's shape: header, free text, then each field that has text or is in
    `field_names`. With `for_editor`, lines that would read as comments are escaped."""
    wanted = set(field_names)
    escape = _escape if for_editor else (lambda line: line)
    lines = [header_line(draft, for_editor=for_editor)]
    lines += [escape(line) for line in draft.body.splitlines()]
    for name in FIELDS:
        value = draft.fields.get(name, "")
        if not value and name not in wanted:
            continue
        first, *rest = value.splitlines() or [""]
        lines.append(f"{LABELS[name]}: {first}".rstrip())
        lines += [escape(line) for line in rest]
    return "\n".join(lines) + "\n"


def content_lines(text: str) -> list[str]:
    """The text without comments, trailing spaces or blank lines at either end: what counts."""
    lines = [line.rstrip() for line in text.lstrip("\ufeff").splitlines() if not line.startswith("#")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


@dataclass(frozen=True)
class ParsedText:
    """Edited text, read back: the header (if any) as written, the fields, the free text."""

    has_header: bool = False
    date: str | None = None
    header_rest: str = ""  # what follows the date: "Module 0.5 - Title", a title of one's own, or ""
    fields: dict[str, str] = field(default_factory=dict)
    body: str = ""


def _clean(lines: list[str], placeholders: set[str]) -> str:
    kept = [line[1:] if line.startswith("\\#") else line for line in lines if line.strip() not in placeholders]
    while kept and not kept[0].strip():
        kept.pop(0)
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept)


def _header_date(written: str, default: str | None) -> str | None:
    if written == "YYYY-MM-DD":
        return default
    year, month, day = (int(part) for part in written.split("-"))
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise LearnError(
            f"the entry's first line starts with '{written}', which is not a date; use YYYY-MM-DD"
        ) from None


def parse_entry_text(text: str, placeholders: Iterable[str] = ()) -> ParsedText:
    """Read edited text back into a header, fields and free text (see the module's docstring)."""
    hints = set(placeholders) | template_placeholders(DEFAULT_TEMPLATE)
    lines = content_lines(text)
    has_header, day, header_rest = False, None, ""
    if lines and (m := _HEADER.match(lines[0])):
        has_header, day = True, _header_date(m["date"], None)
        header_rest = m["rest"].strip().lstrip(":-–—").strip()
        lines = lines[1:]
    parts: dict[str, list[list[str]]] = {}
    current: list[str] = []
    body = current
    for line in lines:
        if m := _LABEL.match(line):
            current = [m["rest"]]
            parts.setdefault(_field_of(m["label"]), []).append(current)
        else:
            current.append(line)
    fields = {}
    for name, segments in parts.items():
        texts = [cleaned for segment in segments if (cleaned := _clean(segment, hints))]
        fields[name] = "\n\n".join(texts)
    return ParsedText(has_header, day, header_rest, fields, _clean(body, hints))


ModuleResolver = Callable[[str], tuple[str, str | None]]
"""A module as written ('0.5', 'module-0.5') -> (module id, title); raises LearnError if unknown."""


def to_draft(parsed: ParsedText, default: EntryDraft, resolve_module: ModuleResolver) -> EntryDraft:
    """The entry the text describes, with `default`'s date and module where the text leaves them out."""
    fields = {name: parsed.fields.get(name, "") for name in FIELDS}
    module_id, title = default.module_id, default.module_title
    if parsed.has_header:
        module_id, title = _header_module(parsed.header_rest, default, resolve_module)
    return EntryDraft(parsed.date or default.date, module_id, title, fields, parsed.body)


def _header_module(rest: str, default: EntryDraft, resolve_module: ModuleResolver) -> tuple[str | None, str | None]:
    if not rest:
        return None, None
    words = rest.split(maxsplit=1)
    explicit = words[0].lower() == "module" and len(words) == 2
    if explicit:
        rest = words[1]
    ident, _, after = rest.partition(" ")
    ident = ident.rstrip(":")
    title = after.strip().lstrip(":-–—").strip() or None
    if title and title.lower() == _UNFILLED_TITLE:
        title = None
    if ident.lower() == _UNFILLED_MODULE or (default.module_id and ident.lower() == default.module_id.lower()):
        # The module the entry was opened with: kept even if it has left the curriculum since.
        return default.module_id, title or default.module_title
    try:
        module_id, module_title = resolve_module(ident)
    except LearnError as exc:
        if explicit:
            raise LearnError(f"the entry's first line: {exc.message}") from None
        return None, rest  # not a module: the learner's own title
    return module_id, title or module_title
