"""Listing the exercises imports no exercise module and no numpy (it reads reference_impls/catalog.toml);
loading them all still imports no torch: numpy-only modules verify without paying for it."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parent.parent


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_listing_imports_no_exercise_module_and_no_numpy():
    code = (
        "import sys; from app.verify import registry; "
        "n = len(registry.listings()) + len(registry.for_module('0.2')) + len(registry.find('module-0.5')) "
        "+ len(registry.find('softmax')); registry.learner_file(registry.find('softmax')[0]); "
        "print(n > 3, 'numpy' in sys.modules, sorted(m for m in sys.modules if m.startswith('reference_impls.exercises')))"
    )
    assert _run(code) == "True False []"


def test_loading_every_exercise_imports_no_torch():
    code = "import sys; from app.verify import registry; registry.exercises(); print('torch' in sys.modules)"
    assert _run(code) == "False"


def test_exercises_that_do_not_declare_torch_run_without_it():
    """An exercise whose catalog entry does not name torch in `needs` is forked from the numpy server,
    without the torch import and without the stand-in for torch._dynamo: its reference, oracle and cases
    must not need torch (sentiment_encoder, missing `needs = ["torch"]`, paid 2 s a run for both)."""
    code = (
        "import sys, importlib, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] == 'torch': raise ModuleNotFoundError(name, name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from app.verify import registry, checking\n"
        "from reference_impls.exercise import set_run_seed\n"
        "set_run_seed(0); wrong = []\n"
        "for info in registry.listings():\n"
        "    if 'torch' in info.needs: continue\n"
        "    try:\n"
        "        exercise = registry.full(info); reference = importlib.import_module(exercise.reference)\n"
        "        checking.plan(exercise, importlib.import_module(exercise.oracle) if exercise.oracle else reference)\n"
        "    except ImportError: wrong.append(info.id)\n"
        "print(wrong)"
    )
    assert _run(code) == "[]"
