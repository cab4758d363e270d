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
