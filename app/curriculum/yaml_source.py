"""YAML that remembers where each value came from, so errors can say file:line.

PyYAML's safe loader forgets positions and silently keeps the last of two equal keys; here we build
dicts and lists from libyaml's parse events that carry the line of each key and element, reporting
duplicate keys, aliases and runaway nesting.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from app.terminal_text import safe_text

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A mapping with `line` (where it starts) and `lines[key]` (where each key is)."""

    line: int = 0
    lines: dict[Any, int]


class LineList(list):
    """A sequence with `line` and `lines[i]` (where each element starts)."""

    line: int = 0
    lines: list[int]


class YamlProblem(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_scalars = yaml.constructor.SafeConstructor()
_resolver = yaml.resolver.Resolver()
MAX_DEPTH = 64
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


def _scalar(event: yaml.ScalarEvent) -> Any:
    plain, _quoted = event.implicit
    tag = event.tag if event.tag not in (None, "!") else _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == _STR or not plain and event.tag is None:
        return safe_text(event.value)  # "\e[2J" is valid YAML: no terminal sequence reaches the app
    if tag == _MERGE:
        raise YamlProblem(
            event.start_mark.line + 1, "merge keys (<<) are not supported in curriculum files; write the values out"
        )
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        return _scalars.construct_object(node)
    except yaml.constructor.ConstructorError as exc:
        raise YamlProblem(event.start_mark.line + 1, f"unsupported value: {exc.problem}") from None


def _build(events: Iterator[yaml.Event]) -> Any:
    """Events to LineDict / LineList / scalars, straight from libyaml's parser: faster than PyYAML's
    composer + constructor, and strict: duplicate keys, aliases (billion-laughs bombs) and absurd
    nesting are errors, not surprises."""
    stack: list[Any] = []  # open containers; a LineDict's pending key is kept in `pending`
    pending: list[Any] = []
    root: Any = None
    documents = 0
    for event in events:
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.ScalarEvent):
            value: Any = _scalar(event)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise YamlProblem(line, f"nested more than {MAX_DEPTH} levels deep")
            if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                raise YamlProblem(line, f"unsupported value: tag {event.tag} is not allowed here")
            value = LineDict() if isinstance(event, yaml.MappingStartEvent) else LineList()
            value.line = line
            value.lines = {} if isinstance(value, LineDict) else []
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            pending.pop()
            continue
        elif isinstance(event, yaml.AliasEvent):
            raise YamlProblem(
                line, "anchors and aliases (&, *) are not supported in curriculum files; write the value out"
            )
        elif isinstance(event, yaml.DocumentStartEvent) and documents:
            # safe_load would refuse; a loop over the events would silently keep only the last one
            raise YamlProblem(line, "a second YAML document starts here ('---'); a curriculum file holds one")
        else:
            documents += isinstance(event, yaml.DocumentStartEvent)
            continue  # stream and document boundaries
        if not stack:
            root = value
        else:
            parent = stack[-1]
            if isinstance(parent, LineList):
                parent.append(value)
                parent.lines.append(line)
            elif pending[-1] is _NO_KEY:
                if isinstance(value, (LineDict, LineList)):
                    raise YamlProblem(line, "a mapping key must be a plain value")
                if value in parent.lines:
                    raise YamlProblem(line, f"duplicate key '{value}' (first at line {parent.lines[value]})")
                pending[-1] = value
                parent.lines[value] = line
            else:
                parent[pending[-1]] = value
                pending[-1] = _NO_KEY
        if isinstance(value, (LineDict, LineList)):
            stack.append(value)
            pending.append(_NO_KEY)
    return root


_NO_KEY = object()


def load_yaml(path: Path) -> Any:
    """Parse one YAML file into LineDict/LineList; raise YamlProblem with a line on any problem."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(line, "not UTF-8 text; save the file as UTF-8") from None
    if not text.strip():
        raise YamlProblem(None, "the file is empty; a track needs at least id and title")
    try:
        data = _build(yaml.parse(text, Loader=_BaseLoader))  # noqa: S506 - events only, no objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        if "nesting depth" in (exc.problem or ""):
            # libyaml >= 0.2.5 caps flow nesting itself, scanning ahead of the events _build counts:
            # the same problem as MAX_DEPTH, so the same message, whichever notices first
            raise YamlProblem(line, f"nested more than {MAX_DEPTH} levels deep") from None
        col = f", column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            what += f" ({exc.context} at line {exc.context_mark.line + 1})"
        raise YamlProblem(line, f"YAML syntax error{col}: {what}") from None
    except yaml.reader.ReaderError as exc:  # a control character, say: one line, with its place
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        raise YamlProblem(
            line, f"YAML syntax error, column {col}: unacceptable character {char}: {exc.reason}"
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, f"YAML error: {' '.join(str(exc).split())}") from None
    if data is None:
        raise YamlProblem(None, "the file holds only comments; a track needs at least id and title")
    return data


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest value on `loc` (a pydantic error location) that exists in `data`."""
    line = getattr(data, "line", None)
    node = data
    for key in loc:
        if isinstance(node, LineDict) and key in node:
            line = node.lines.get(key, line)
            node = node[key]
        elif isinstance(node, LineList) and isinstance(key, int) and 0 <= key < len(node):
            line = node.lines[key]
            node = node[key]
        else:
            break
        line = getattr(node, "line", None) or line
    return line
