"""What to mutate: the functions of the reference file that the exercise's entry points reach.

From the entry points (a class: all its methods) the names each function uses are followed to the
file's other top-level functions and classes. A Triton exercise's reference is a thin launcher that
imports its kernel module from kernels/ (`from kernels.softmax import softmax`): those imports are
followed into that file too, one level (not into the kernels' shared input checks, kernels/_launch.py).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app import locations

FOLLOWED_PACKAGES = ("kernels.",)


@dataclass
class Target:
    """A file to mutate: its dotted module, path, source, tree, and the reached functions (qualified)."""

    module: str
    path: Path
    source: str
    tree: ast.Module
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    followed: bool = False  # a module the reference imports (replaced in sys.modules), not the reference


def module_path(module: str) -> Path:
    return locations.REPO_ROOT / (module.replace(".", "/") + ".py")


def targets(reference: str, entry_points: Iterable[str]) -> list[Target]:
    """The reference's file, then each followed kernels/ file, with the functions the entry points reach."""
    main = _target(reference, followed=False)
    follow = _reach(main, set(entry_points))
    found = [main]
    for module, names in follow.items():
        target = _target(module, followed=True)
        _reach(target, names)
        found.append(target)
    return [t for t in found if t.functions]


def source_target(source: str, entry_points: Iterable[str], name: str = "snippet.py") -> Target:
    """A target made of source text (no file, nothing followed): the functions the entry points reach."""
    target = Target(name.removesuffix(".py"), Path(name), source, ast.parse(source))
    _reach(target, set(entry_points))
    return target


def _target(module: str, followed: bool) -> Target:
    path = module_path(module)
    source = path.read_text(encoding="utf-8")
    return Target(module, path, source, ast.parse(source, filename=str(path)), followed=followed)


def _reach(target: Target, roots: set[str]) -> dict[str, set[str]]:
    """Fill target.functions from `roots`; return {followed module: the names imported from it}."""
    defs: dict[str, ast.AST] = {}
    imported: dict[str, tuple[str, str]] = {}  # local name -> (followed module, its name there)
    for node in target.tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defs[node.name] = node
        elif isinstance(node, ast.Assign):  # kernel_autotuned = triton.autotune(...)(kernel)
            for name in node.targets:
                if isinstance(name, ast.Name):
                    defs[name.id] = node
        imported.update(_followed_imports(node))
    follow: dict[str, set[str]] = {}
    seen: set[str] = set()
    pending = [name for name in roots if name in defs or name in imported]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in imported:
            module, original = imported[name]
            follow.setdefault(module, set()).add(original)
            continue
        node = defs[name]
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    target.functions[f"{node.name}.{item.name}"] = item
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            target.functions[node.name] = node
        for inner in ast.walk(node):
            for module, original in _followed_imports(inner).values():
                follow.setdefault(module, set()).add(original)
            if isinstance(inner, ast.Name) and (inner.id in defs or inner.id in imported) and inner.id not in seen:
                pending.append(inner.id)
    return follow


def _followed_imports(node: ast.AST) -> dict[str, tuple[str, str]]:
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        if node.module.startswith(FOLLOWED_PACKAGES):
            return {alias.asname or alias.name: (node.module, alias.name) for alias in node.names}
    return {}
