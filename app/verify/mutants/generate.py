"""The mutants of an exercise's reference: every operator on every node of the reached functions.

Skipped: docstrings, asserts, `raise` and the `if` branches that raise on bad input, type hints,
default values (the stub gives the learner the signature), decorators, f-strings, launch tuning.
Two edits that give the same source are one mutant (the first operator's name is kept); an edit
whose source does not parse is dropped.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterator
from dataclasses import dataclass

from app import locations
from app.verify.mutants import operators, reach
from app.verify.mutants.edits import Edit, apply
from app.verify.mutants.operators import Where
from app.verify.mutants.reach import Target, targets


@dataclass(frozen=True)
class Mutant:
    """One mutant: which file it edits and where, the edit, the mutated source and its diff."""

    n: int
    module: str  # the dotted module it replaces
    file: str  # relative to the repo
    followed: bool  # a kernels/ module the reference imports, not the reference itself
    function: str  # qualified: "softmax", "KVCache.append"
    line: int
    operator: str
    detail: str
    before: str  # the original line(s) the edit touches
    after: str  # what they became
    source: str
    diff: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line} ({self.function})"


def mutants(reference: str, entry_points: list[str]) -> list[Mutant]:
    """The mutants of the reference module's file (and the kernels/ files it launches), numbered from 1."""
    return _mutants_of(targets(reference, entry_points))


def mutants_of_source(source: str, entry_points: list[str], name: str = "snippet.py") -> list[Mutant]:
    """The mutants of a module's source text (what the operators do to a few lines of code)."""
    return _mutants_of([reach.source_target(source, entry_points, name)])


def _mutants_of(found_targets: list[Target]) -> list[Mutant]:
    found: list[Mutant] = []
    seen: set[tuple[str, str]] = set()
    for target in found_targets:
        for function, edit in _edits(target):
            source = apply(target.source, edit.spans)
            if (target.module, source) in seen or source == target.source:
                continue
            try:
                ast.parse(source)
            except SyntaxError:
                continue
            seen.add((target.module, source))
            found.append(_mutant(len(found) + 1, target, function, edit, source))
    return found


def _mutant(n: int, target: Target, function: str, edit: Edit, source: str) -> Mutant:
    try:
        file = target.path.relative_to(locations.REPO_ROOT).as_posix()
    except ValueError:  # a snippet
        file = target.path.name
    old, new = target.source.splitlines(), source.splitlines()
    first, last = edit.first_line, edit.last_line
    grown = len(new) - len(old)
    diff = "\n".join(
        line.rstrip("\n") for line in difflib.unified_diff(old, new, f"a/{file}", f"b/{file}", n=0, lineterm="")
    )
    return Mutant(
        n=n,
        module=target.module,
        file=file,
        followed=target.followed,
        function=function,
        line=first,
        operator=edit.operator,
        detail=edit.detail,
        before="\n".join(old[first - 1 : last]),
        after="\n".join(new[first - 1 : last + grown]),
        source=source,
        diff=diff,
    )


def _edits(target: Target) -> Iterator[tuple[str, Edit]]:
    for qualname, node in target.functions.items():
        params = tuple(a.arg for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs])
        where = Where(qualname, params, _is_kernel(node))
        for child, parent in _nodes(node.body, node):
            for operator in operators.OPERATORS:
                for edit in operator(child, parent, where):
                    yield qualname, edit


def _is_kernel(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (isinstance(func, ast.Attribute) and func.attr == "jit") or (
            isinstance(func, ast.Name) and func.id == "jit"
        ):
            return True
    return False


def _nodes(body: list[ast.stmt], parent: ast.AST) -> Iterator[tuple[ast.AST, ast.AST]]:
    for statement in body:
        yield from _visit(statement, parent)


def _raises(body: list[ast.stmt]) -> bool:
    return any(isinstance(statement, ast.Raise) for statement in body)


def _visit(node: ast.AST, parent: ast.AST) -> Iterator[tuple[ast.AST, ast.AST]]:
    if isinstance(node, ast.Assert | ast.Raise | ast.JoinedStr | ast.Import | ast.ImportFrom | ast.Pass):
        return
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
        return  # a docstring or a string statement
    if isinstance(node, ast.If) and _raises(node.body):  # `if bad input: raise ...`: the message, not the math
        yield from _nodes(node.orelse, node)
        return
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):  # a nested function: its body only
        yield from _nodes(node.body, node)
        return
    if isinstance(node, ast.Lambda):
        yield from _visit(node.body, node)
        return
    if isinstance(node, ast.keyword) and operators.skipped_keyword(node):
        return
    if isinstance(node, ast.stmt) and operators.skipped_statement(node):
        return
    if operators.is_arange(node):
        return  # a power-of-two block: any other bound does not compile
    if isinstance(node, ast.expr | ast.Slice):
        yield node, parent
    for name, value in ast.iter_fields(node):
        if name in ("annotation", "returns", "type_comment", "decorator_list"):
            continue
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, ast.AST) and not isinstance(child, ast.expr_context | ast.operator | ast.cmpop):
                yield from _visit(child, node)
