"""A source edit: spans of the original text replaced, so a mutant keeps every other line (comments,
formatting) of the reference and its diff shows only what the operator changed."""

from __future__ import annotations

import ast
from dataclasses import dataclass

# Where an expression replaced by a lower-precedence one (a + b, a < b, not a) needs parentheses.
_TIGHT_PARENTS = (ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.Attribute, ast.Await, ast.Starred)
_LOOSE_NODES = (ast.BinOp, ast.BoolOp, ast.Compare, ast.UnaryOp, ast.IfExp, ast.Lambda, ast.NamedExpr)


@dataclass(frozen=True)
class Span:
    """Text from (line, column) to (end_line, end_column), lines 1-based, columns in UTF-8 bytes (as ast's)."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str  # what replaces it
    bare: str | None = None  # `text` without the parentheses added around it: used where the source has its own


@dataclass(frozen=True)
class Edit:
    """One mutation: `operator` (its family, e.g. "axis"), `detail` (what it did, e.g. "axis -1 -> 0")."""

    operator: str
    detail: str
    spans: tuple[Span, ...]

    @property
    def first_line(self) -> int:
        return min(s.line for s in self.spans)

    @property
    def last_line(self) -> int:
        return max(s.end_line for s in self.spans)


def span_of(node: ast.AST, text: str) -> Span:
    return Span(node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, text)


def source_text(node: ast.expr) -> str:
    return ast.unparse(node)


def replacement(node: ast.expr, new: ast.expr, parent: ast.AST | None) -> Span:
    """`node` replaced by `new`, parenthesized where the parent binds tighter than `new`."""
    text = ast.unparse(new)
    if isinstance(new, _LOOSE_NODES) and (
        isinstance(parent, _TIGHT_PARENTS) or (isinstance(parent, ast.Subscript | ast.Call) and node is _head(parent))
    ):
        return Span(node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, f"({text})", bare=text)
    return span_of(node, text)


def _head(parent: ast.AST) -> ast.AST | None:
    return getattr(parent, "value", None) if isinstance(parent, ast.Subscript) else getattr(parent, "func", None)


def drop_argument(call: ast.Call, item: ast.AST) -> Span:
    """The text of one argument or keyword of `call` removed, with its comma."""
    items = sorted([*call.args, *call.keywords], key=lambda n: (n.lineno, n.col_offset))
    index = items.index(item)
    if index > 0:
        before = items[index - 1]
        return Span(before.end_lineno, before.end_col_offset, item.end_lineno, item.end_col_offset, "")
    if len(items) > 1:
        after = items[1]
        return Span(item.lineno, item.col_offset, after.lineno, after.col_offset, "")
    return span_of(item, "")


def apply(source: str, spans: tuple[Span, ...]) -> str:
    """`source` with every span replaced (spans must not overlap)."""
    lines = source.splitlines(keepends=True)
    data = [line.encode() for line in lines]
    offsets = [0]
    for line in data:
        offsets.append(offsets[-1] + len(line))
    blob = b"".join(data)
    out = blob
    for span in sorted(spans, key=lambda s: (s.line, s.col), reverse=True):
        start = offsets[span.line - 1] + span.col
        end = offsets[span.end_line - 1] + span.end_col
        grouped = span.bare is not None and out[start - 1 : start] == b"(" and out[end : end + 1] == b")"
        out = out[:start] + (span.bare if grouped else span.text).encode() + out[end:]
    return out.decode()
