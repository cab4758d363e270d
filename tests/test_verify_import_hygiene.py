"""Listing the exercises must not import torch: numpy-only modules verify without paying for it."""

import subprocess
import sys
from pathlib import Path


def test_listing_every_exercise_imports_no_torch():
    code = "import sys; from app.verify import registry; registry.exercises(); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent.parent, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "False"
