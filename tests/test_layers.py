"""The layer contracts of pyproject.toml ([tool.importlinter]), checked by import-linter: the core
imports neither typer, rich nor textual, nor a face; app.cli and app.tui do not import each other.
Imports inside functions count as much as those at the top of a file."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _contracts() -> str:
    """The [tool.importlinter] sections of pyproject.toml, as they are written there."""
    kept, inside = [], False
    for line in (REPO / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            inside = line.strip("[]").startswith("tool.importlinter")
        if inside:
            kept.append(line)
    return "\n".join(kept) + "\n"


def _lint(root: Path) -> subprocess.CompletedProcess:
    """lint-imports on the package `app` found under `root`, with the repository's contracts."""
    (root / "pyproject.toml").write_text(_contracts(), encoding="utf-8")
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_app_keeps_its_layers(tmp_path):
    (tmp_path / "app").symlink_to(REPO / "app", target_is_directory=True)
    result = _lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


# A miniature app shaped like the real one: its faces import their libraries, `learn` alone opens the TUI.
MINIATURE = {
    "app/__init__.py": "",
    "app/cli/__init__.py": "",
    "app/cli/output.py": "import typer\nfrom rich.console import Console\n",
    "app/cli/main.py": "import typer\n\ndef main():\n    from app.tui.app import run\n    run()\n",
    "app/tui/__init__.py": "",
    "app/tui/app.py": (
        "from rich.text import Text\nfrom textual.app import App\n\n"
        "def run():\n    from app.study.verify import verify\n"
    ),
    "app/study/__init__.py": "",
    "app/study/verify.py": "def verify():\n    return []\n",
}


def _miniature(root: Path, changes: dict[str, str]) -> Path:
    for name, text in {**MINIATURE, **changes}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_a_miniature_app_with_the_same_layers_passes(tmp_path):
    result = _lint(_miniature(tmp_path, {}))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("changes", "broken"),
    [
        (
            {"app/study/verify.py": "def verify(report):\n    from rich.console import Console\n"},
            "app.study.verify -> rich",
        ),  # a lazy import in the core
        (
            {"app/study/verify.py": "def verify():\n    import sys\n    from app.cli.output import Console\n"},
            "app.study.verify -> app.cli.output",
        ),  # the core calling back into a face
        (
            {"app/tui/log.py": "def save():\n    from app.cli.output import typer\n"},
            "app.tui.log -> app.cli.output",
        ),  # one face importing the other
        (
            {"app/cli/verify_cmds.py": "from textual.widgets import Log\n"},
            "app.cli.verify_cmds -> textual",
        ),  # the CLI paying for Textual
    ],
)
def test_the_contracts_catch_a_broken_layer(tmp_path, changes, broken):
    result = _lint(_miniature(tmp_path, changes))
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken in result.stdout


# -- the core never prints ----------------------------------------------------------------------------

# get_engine's notices (a schema upgrade, its backup) go through app.notices to the face's handler.
PRINTS_ALLOWED: set[str] = set()


def _writes_to_the_terminal(tree: ast.AST) -> list[int]:
    """Lines that print or write to sys.stdout / sys.stderr."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "print":
            found.append(node.lineno)
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "write"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr in ("stdout", "stderr")
            and isinstance(func.value.value, ast.Name)
            and func.value.value.id == "sys"
        ):
            found.append(node.lineno)
    return found


def _is_a_program(tree: ast.Module) -> bool:
    """`if __name__ == "__main__":` at the top level: a script of its own (python -m ...), whose output is its own."""
    return any(isinstance(node, ast.If) and "__main__" in ast.unparse(node.test) for node in tree.body)


def test_the_core_never_prints():
    """Core code returns or reports through a callback: a print would land inside the running TUI."""
    offenders = []
    for path in sorted((REPO / "app").rglob("*.py")):
        name = path.relative_to(REPO).as_posix()
        if name.startswith(("app/cli/", "app/tui/")) or name in PRINTS_ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not _is_a_program(tree):
            offenders += [f"{name}:{line}" for line in _writes_to_the_terminal(tree)]
    assert offenders == [], "the core prints; return the text or take a callback instead"


def test_the_print_finder_finds_prints():
    code = "import sys\ndef f():\n    print('x')\n    sys.stderr.write('y')\n    log.write('not a terminal')\n"
    assert _writes_to_the_terminal(ast.parse(code)) == [3, 4]
    assert _is_a_program(ast.parse("def main(): print(1)\nif __name__ == '__main__':\n    main()\n"))
