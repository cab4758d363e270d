"""Read and validate every curriculum YAML file of a folder, reporting all problems at once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.curriculum.schema import Item, Track
from app.curriculum.yaml_source import LineDict, LineList, YamlProblem, line_of, load_yaml
from app.errors import CurriculumError, Problem
from app.locations import curriculum_files, display_path

_KIND_OF_LIST = {
    "categories": "category",
    "modules": "module",
    "sections": "section",
    "items": "item",
    "children": "item",
}


@dataclass(frozen=True)
class TrackFile:
    path: Path
    track: Track


def _describe(data: Any, error: dict[str, Any]) -> str:
    """'item 0.1/pca: missing field text' from a pydantic error and the raw data."""
    loc = tuple(error["loc"])
    owner, node, field, kind = "track", data, None, "track"
    for n, key in enumerate(loc):
        if isinstance(node, LineDict) and key in node:
            if key in _KIND_OF_LIST:
                kind = _KIND_OF_LIST[key]
            field = key
            node = node[key]
        elif isinstance(node, LineList) and isinstance(key, int) and key < len(node):
            node = node[key]
            owner = f"{kind} #{key + 1}"
            field = None
            if isinstance(node, LineDict) and isinstance(node.get("id"), str):  # an element names its owner
                owner = f"{kind} '{node['id']}'"
        else:
            field = key if n == len(loc) - 1 else field
            break
    kind_of_error = error["type"]
    if kind_of_error == "missing":
        what = f"missing field '{loc[-1]}'"
    elif kind_of_error == "extra_forbidden":
        what = f"unknown field '{loc[-1]}'"
    elif kind_of_error in ("model_type", "dict_type", "list_type"):
        wanted = "a list ('- ' lines)" if kind_of_error == "list_type" else "a mapping ('key: value' lines)"
        what = f"should be {wanted}, not {_kind_of_value(error.get('input'))}"
        what = f"{field}: {what}" if field and not isinstance(field, int) else what
    else:
        msg = error["msg"].removeprefix("Value error, ")
        what = f"{field}: {msg}" if field and not isinstance(field, int) else msg
    return f"{owner}: {what}"


def _kind_of_value(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return "empty" if value is None else f"{value!r}"


def _read_track(path: Path, problems: list[Problem]) -> tuple[Track, Any] | None:
    name = display_path(path)
    try:
        data = load_yaml(path)
    except YamlProblem as exc:
        problems.append(Problem(name, exc.line, exc.message))
        return None
    except OSError as exc:
        problems.append(Problem(name, None, f"cannot read: {exc.strerror}"))
        return None
    if not isinstance(data, dict):
        problems.append(
            Problem(name, getattr(data, "line", 1), "a track file must be a mapping with id, title and categories")
        )
        return None
    try:
        return Track.model_validate(data), data
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(Problem(name, line_of(data, tuple(error["loc"])), _describe(data, error)))
        return None


def _raw_ids(data: Any) -> Iterator[tuple[str, str, int]]:
    """(kind, id, line) of every module and item in a raw track, for duplicate reports."""
    for category in data.get("categories") or []:
        for module in category.get("modules") or []:
            yield "module", module["id"], module.lines["id"]
            stack = [item for section in module.get("sections") or [] for item in section.get("items") or []]
            while stack:
                item = stack.pop()
                yield "item", item["id"], item.lines["id"]
                stack.extend(item.get("children") or [])


def load_curriculum(folder: Path) -> list[TrackFile]:
    """Every track of `folder`, validated; raise CurriculumError listing every problem found."""
    loaded, problems = load_curriculum_by_file(folder)
    if problems:
        raise CurriculumError(problems)
    return loaded


def load_curriculum_by_file(folder: Path) -> tuple[list[TrackFile], list[Problem]]:
    """The valid tracks of `folder` and the problems of the others: a file with a problem (its own, or
    an id another file has already) is left out whole, so one typo blocks only its own file."""
    if not folder.is_dir():
        raise CurriculumError([Problem(str(folder), None, "no such curriculum folder; check LEARN_CURRICULUM")])
    problems: list[Problem] = []
    loaded: list[TrackFile] = []
    seen: dict[tuple[str, str], str] = {}
    for path in curriculum_files(folder):
        result = _read_track(path, problems)
        if result is None:
            continue
        track, data = result
        name = display_path(path)
        entries = [("track", track.id, data.lines["id"])]
        for category in data.get("categories") or []:
            entries.append((f"category of track {track.id}", category["id"], category.lines["id"]))
        entries.extend(_raw_ids(data))
        own: dict[tuple[str, str], str] = {}
        duplicates = 0
        for kind, ident, line in entries:
            first = seen.get((kind, ident)) or own.get((kind, ident))
            if first:
                problems.append(Problem(name, line, f"duplicate {kind} id '{ident}' (first at {first})"))
                duplicates += 1
            else:
                own[kind, ident] = f"{name}:{line}"
        if not duplicates:  # a left-out file's ids do not count against the files after it
            seen.update(own)
            loaded.append(TrackFile(path, track))
    return loaded, problems


def walk_items(items: list[Item], depth: int = 0, parent: str | None = None) -> Iterator[tuple[Item, int, str | None]]:
    """(item, depth, parent id) for items and their children, in document order."""
    for item in items:
        yield item, depth, parent
        yield from walk_items(item.children, depth + 1, item.id)
