"""The contract with the private internals the verify sandbox patches (app/verify/sandbox/internals.py):
each holds on the installed versions, and a change fails with words that say what and where."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.verify.sandbox import TESTED, internals

REPO = Path(__file__).resolve().parent.parent


def _fail(found: list[str]) -> None:
    if found:
        pytest.fail("\n".join(found), pytrace=False)


def test_multiprocessing_forkserver_internals_hold():
    _fail(internals.multiprocessing_problems())


def test_torch_dynamo_internals_hold():
    _fail(internals.dynamo_problems())


def test_the_real_torch_dynamo_has_what_the_stand_in_defers_to():
    # In a fresh interpreter: importing torch._dynamo here would change what later tests see.
    code = "from app.verify.sandbox import internals; print('\\n'.join(internals.dynamo_real_problems()))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    _fail([line for line in out.splitlines() if line.strip()])


@pytest.mark.skipif(sys.platform != "linux", reason="triton is a Linux dependency")
def test_triton_interpreter_internals_hold():
    _fail(internals.triton_problems())


def test_the_versions_tested_are_the_pinned_ones():
    constraints = (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines()
    for library, version in TESTED.items():
        assert any(line.startswith(f"{library}=={version}.") for line in constraints), library


def test_a_changed_internal_is_named_with_the_library_version_and_the_file(monkeypatch):
    from triton.runtime import interpreter

    def create_masked_load(self, pointers, mask, other, cache_modifier, is_volatile):  # a renamed parameter
        raise AssertionError

    monkeypatch.setattr(interpreter.InterpreterBuilder, "create_masked_load", create_masked_load)
    found = internals.triton_problems()
    import triton

    assert found == [
        f"triton {triton.__version__} changed interpreter internal InterpreterBuilder.create_masked_load(ptrs, mask, other, "
        "cache_policy, is_volatile) that learn patches; see app/verify/sandbox/triton_mode.py "
        "(and bump the bound in pyproject.toml once it is adapted)"
    ]


def test_a_missing_forkserver_global_is_named(monkeypatch):
    from multiprocessing import popen_forkserver

    monkeypatch.delattr(popen_forkserver, "forkserver")
    found = internals.multiprocessing_problems()
    assert any(
        "multiprocessing internal popen_forkserver.forkserver" in line and "forkserver.py" in line for line in found
    )
