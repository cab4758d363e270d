"""Every test gets its own LEARN_HOME and a copy of a curriculum folder it may edit."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `gpu` are skipped where CUDA is not available (torch is imported only if one is collected)."""
    gpu_tests = [item for item in items if item.get_closest_marker("gpu")]
    if not gpu_tests:
        return
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device")
    for item in gpu_tests:
        item.add_marker(skip)


@pytest.fixture(autouse=True)
def learn_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("LEARN_HOME", str(home))
    monkeypatch.setenv("LEARN_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.setenv("LEARN_VERIFY_SEED", "0")  # fresh cases drawn from one seed: the tests are deterministic
    yield home
    from app.db.engine import dispose_engines

    dispose_engines()


@pytest.fixture
def curriculum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "curriculum"
    shutil.copytree(FIXTURES / "curriculum", folder)
    monkeypatch.setenv("LEARN_CURRICULUM", str(folder))
    return folder


class Cli:
    """Runs `learn ...` in-process through Typer's CliRunner."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        from app.cli.main import app

        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)

    def json(self, *args: str):
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


def db_snapshot(home: Path) -> dict[str, list[tuple]]:
    """Every row of every table, to assert that a failed command changed nothing."""
    with sqlite3.connect(home / "learn.db") as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
