"""`learn start`: write the stub files of a module's exercises into the workspace, never over the learner's.

A stub is the exercise's task as the module docstring, its imports, the exercise's extra scaffold
code if any (a Triton kernel's @triton.jit signature with a TODO body), and every entry point with
its signature and docstring and a body that raises NotImplementedError (marked `# TODO`), so it
imports cleanly and fails every check until written.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from app import locations
from app.verify import registry
from reference_impls.exercise import EntryPoint, Exercise

WORKSPACE_README = """\
# Your workspace

Your own code for the exercises of `learn`: one folder per module, one file per exercise, written by
`learn start MODULE` (it never overwrites a file you have started). Fill in every `# TODO`, then:

    learn verify module-0.2          # check every exercise of the module
    learn verify softmax             # or one exercise
    learn verify softmax --watch     # re-check on every save

Your code runs in a separate process with a time limit and a memory limit, on generated inputs
(several shapes, float32 and float64, edge cases), against the references in `reference_impls/`.
A failing check shows the input, where the output differs, and a hint when the mistake is a known
one. When every check of an exercise passes, its checklist items are ticked in `learn show`.

This folder is yours: commit it with the rest of your fork. `LEARN_WORKSPACE=/some/folder` puts
it elsewhere.
"""


@dataclass(frozen=True)
class Started:
    exercise: Exercise
    path: Path
    created: bool  # False: the learner's file was there and is kept

    def to_json(self) -> dict:
        return {
            "id": self.exercise.id,
            "title": self.exercise.title,
            "module_id": self.exercise.home_module,
            "file": str(self.path),
            "created": self.created,
            "items": list(self.exercise.items),
            "entry_points": [e.name for e in self.exercise.entry_points],
        }


def _docstring(text: str, indent: str) -> str:
    body = textwrap.dedent(text).strip().replace('"""', "'''")
    prefix = "r" if "\\" in body else ""  # LaTeX and the like: no escape sequences to go wrong
    if "\n" not in body:
        return f'{indent}{prefix}"""{body}"""\n'
    return f'{indent}{prefix}"""{textwrap.indent(body, indent).lstrip()}\n{indent}"""\n'


def _function(entry: EntryPoint, indent: str = "", first: str = "") -> str:
    return (
        f"{indent}def {entry.name}{entry.signature}:\n"
        f"{_docstring(entry.doc, indent + '    ')}"
        + (f"{indent}    {first}\n" if first else "")
        + f"{indent}    # TODO: your code here\n"
        f"{indent}    raise NotImplementedError\n"
    )


def _class(entry: EntryPoint) -> str:
    init = EntryPoint("__init__", entry.signature, "Set up the parameters and state.")
    methods = [
        _function(init, "    ", "super().__init__()" if entry.base else ""),
        *(_function(m, "    ") for m in entry.methods),
    ]
    bases = f"({entry.base})" if entry.base else ""
    return f"class {entry.name}{bases}:\n{_docstring(entry.doc, '    ')}\n" + "\n".join(methods)


def stub(exercise: Exercise) -> str:
    """The text of the learner's starting file."""
    items = ", ".join(exercise.items)
    header = f"{exercise.title}\n\n{textwrap.dedent(exercise.task).strip()}\n\nCheck it: learn verify {exercise.id}\nTicks: {items}"
    parts = [_docstring(header, "").rstrip("\n"), "", exercise.preamble.rstrip("\n"), ""]
    if exercise.scaffold.strip():
        parts += ["", textwrap.dedent(exercise.scaffold).strip("\n"), ""]
    for entry in exercise.entry_points:
        parts += ["", (_class(entry) if entry.kind == "class" else _function(entry)).rstrip("\n"), ""]
    return "\n".join(parts)


def _inside_workspace(path: Path) -> None:
    """Refuse a path that a symlink in the workspace (dangling or not) leads out of it: `learn start`
    writes only inside the workspace, whatever links a cloned repository or a stray `ln -s` left."""
    from app.errors import LearnError

    workspace = locations.workspace_dir()
    if not path.resolve().is_relative_to(workspace.resolve()):
        link = next((p for p in (path, *path.parents) if p.is_symlink()), path)
        raise LearnError(
            f"{link} is a link out of the workspace ({workspace}); remove it, then run `learn start` again"
        )


def _create(path: Path, text: str) -> bool:
    """Write a new file at `path` (False where one exists: the learner's, kept). O_EXCL never follows a
    link in the last place, and `_inside_workspace` checked the folders above it."""
    import os

    _inside_workspace(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _inside_workspace(path)  # a link made between the two checks is as unwelcome
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return True


def ensure_workspace_readme() -> Path:
    path = locations.workspace_dir() / "README.md"
    if not path.is_file() or path.is_symlink():
        _create(path, WORKSPACE_README)
    return path


def start(exercises: list[Exercise]) -> list[Started]:
    """Write each exercise's stub where no file is yet; keep every existing file as it is."""
    from app.errors import LearnError

    ensure_workspace_readme()
    started = []
    for exercise in map(registry.full, exercises):  # catalog entries: the stub needs the entry points
        path = registry.learner_file(exercise)
        try:
            created = _create(path, stub(exercise))  # exclusive: never over a file, even in a race
        except OSError as exc:
            raise LearnError(f"cannot write {path}: {exc.strerror}; set LEARN_WORKSPACE to a writable folder") from None
        started.append(Started(exercise, path, created))
    return started
