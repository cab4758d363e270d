"""Write a curriculum tree as readable YAML: schema key order, block scalars, comments kept.

The tree is plain dicts and lists, as ``Track.model_dump`` gives them, where any list may also hold
``Comment`` entries (written as ``# ...`` lines at that place) and any dict may hold a ``"#key"``
entry (comment lines written just above ``key``; ``"#"`` for above the first key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from app.curriculum.schema import Track


@dataclass(frozen=True)
class Comment:
    text: str


def without_comments(node: Any) -> Any:
    """The tree with every Comment and ``"#..."`` key removed (what the schema validates)."""
    if isinstance(node, dict):
        return {k: without_comments(v) for k, v in node.items() if not k.startswith("#")}
    if isinstance(node, list):
        return [without_comments(v) for v in node if not isinstance(v, Comment)]
    return node


def _scalar(value: Any) -> str:
    if isinstance(value, str) and "\n" in value.strip("\n") and _block_safe(value):
        return _block(value)
    out = yaml.safe_dump(value, allow_unicode=True, width=10**9, default_flow_style=True)
    out = out.removesuffix("\n").removesuffix("\n...").removesuffix("\n")
    single_quoted_apostrophe = out.startswith("'") and "''" in out and '"' not in out
    unprintable = isinstance(value, str) and not value.isprintable()  # \t, \r, NEL: escape them
    if "\n" in out or single_quoted_apostrophe or unprintable:  # and "Triton's" reads better than 'Triton''s'
        out = yaml.safe_dump(value, allow_unicode=True, width=10**9, default_style='"').rstrip("\n")
    return out


_PLAIN_IN_FLOW = re.compile(r"[\w][\w .()/+%~=<>&#-]*(?<! )")


def _flow(values: list[str]) -> str:
    """``[a, "b, c"]``: a one-line flow sequence; anything but a simple word run is double-quoted."""

    def item(v: str) -> str:
        if _PLAIN_IN_FLOW.fullmatch(v) and " #" not in v and yaml.safe_load(v) == v:
            return v
        return yaml.safe_dump(v, allow_unicode=True, width=10**9, default_style='"').rstrip("\n")

    return "[" + ", ".join(item(v) for v in values) + "]"


def _block_safe(value: str) -> bool:
    """Whether a literal block keeps ``value`` exactly: printable, no blank-but-spaces lines, no leading indent."""
    lines = value.split("\n")
    first = next((line for line in lines if line), "")
    return (
        all(ch == "\n" or ch.isprintable() for ch in value)
        and not first[:1].isspace()
        and not any(line and not line.strip() for line in lines)
    )


def _block(value: str) -> str:
    chomp = "-" if not value.endswith("\n") else ("+" if value.endswith("\n\n") else "")
    body = value.rstrip("\n") if chomp != "+" else value[:-1]
    return f"|{chomp}\n" + "\n".join(f"\x00{line}" if line else "" for line in body.split("\n"))


def _is_flow_list(value: list[Any]) -> bool:
    return all(isinstance(v, str) for v in value) or all(
        isinstance(v, list) and all(isinstance(c, str) for c in v) for v in value
    )


class _Writer:
    def __init__(self) -> None:
        self.out: list[str] = []

    def comment(self, text: str, indent: int) -> None:
        for line in text.splitlines() or [""]:
            self.out.append(f"{' ' * indent}# {line}".rstrip())

    def mapping(self, node: dict[str, Any], indent: int, first_prefix: str | None = None) -> None:
        """Write ``node``; the first line starts with ``first_prefix`` (a list dash) when given."""
        prefix = first_prefix
        pad = " " * indent
        for key, value in node.items():
            if key.startswith("#"):
                continue
            for comment in node.get(f"#{key}", []):
                self.comment(comment, indent)
            lead = prefix if prefix is not None else pad
            prefix = None
            if isinstance(value, list) and not value:
                self.out.append(f"{lead}{key}: []")
            elif isinstance(value, list) and _is_flow_list(value) and not any(isinstance(v, Comment) for v in value):
                if all(isinstance(v, str) for v in value):
                    self.out.append(f"{lead}{key}: {_flow(value)}")
                else:
                    self.out.append(f"{lead}{key}:")
                    for row in value:
                        self.out.append(f"{pad}  - {_flow(row)}")
            elif isinstance(value, list):
                real = [v for v in value if not isinstance(v, Comment)]
                if not real:  # nothing but comments: no key (an empty list is the default)
                    for v in value:
                        self.comment(v.text, indent)
                    continue
                self.out.append(f"{lead}{key}:")
                self.sequence(value, indent + 2)
            elif isinstance(value, dict):
                self.out.append(f"{lead}{key}:")
                self.mapping(value, indent + 2)
            else:
                text = _scalar(value)
                if text.startswith("|"):
                    head, _, body = text.partition("\n")
                    self.out.append(f"{lead}{key}: {head}")
                    self.out.extend(line.replace("\x00", " " * (indent + 2), 1) for line in body.split("\n"))
                else:
                    self.out.append(f"{lead}{key}: {text}")

    def sequence(self, items: list[Any], indent: int) -> None:
        pad = " " * indent
        for value in items:
            if isinstance(value, Comment):
                self.comment(value.text, indent)
            elif isinstance(value, dict):
                for comment in value.get("#", []):
                    self.comment(comment, indent)
                self.mapping({k: v for k, v in value.items() if k != "#"}, indent + 2, first_prefix=f"{pad}- ")
            else:
                self.out.append(f"{pad}- {_scalar(value)}")


def tree_to_yaml(tree: dict[str, Any], *, header: list[str] = ()) -> str:
    writer = _Writer()
    for line in header:
        writer.comment(line, 0)
    for comment in tree.get("#", []):
        writer.comment(comment, 0)
    writer.mapping({k: v for k, v in tree.items() if k != "#"}, 0)
    return "\n".join(writer.out) + "\n"


def track_to_yaml(track: Track, *, header: list[str] = ()) -> str:
    """The YAML text of a validated track (defaults left out), e.g. to write a curriculum file."""
    return tree_to_yaml(track.model_dump(exclude_defaults=True), header=header)
