"""learn verify --mutants: the operators' edits, survivors and their diffs, declared equivalents, the
JSON shape, and the CI sample of exercises at the mutation goal."""

from __future__ import annotations

import dataclasses
import json

import pytest

from app.verify import registry
from app.verify.mutants.generate import mutants_of_source
from app.verify.mutants.runner import run_all, run_exercise
from reference_impls.exercise import Equivalent

NUMPY_SOURCE = '''import numpy as np


def norm(x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Docstring with 1.0 and (x - m) in it."""
    assert x.ndim == 2, "2-D only"
    if x.shape[0] > 100:
        raise ValueError("too big: 3 rows at most")
    m = np.max(x, axis=-1, keepdims=True)
    v = x.var(axis=-1, keepdims=True)
    y = (x - m) / np.sqrt(v + eps)
    out = y[:, : x.shape[1]].T @ x * 0.5
    for i in range(len(out)):
        out[i] = np.tril(out[i]) if i < 2 else out[i]
    return out.astype(np.float64)


def unreached(x):
    return x - 1
'''

TRITON_SOURCE = """import triton
import triton.language as tl


@triton.jit
def kernel(x_ptr, out_ptr, stride_row, stride_col, n, BLOCK: tl.constexpr):
    row = tl.program_id(axis=0)
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    acc = tl.zeros((BLOCK,), dtype=tl.float32)
    x = tl.load(x_ptr + row * stride_row + offs, mask=mask, other=-float("inf"))
    tl.store(out_ptr + row * stride_row + offs, x + acc, mask=mask)


def launch(x):
    out = x.new_empty(x.shape)
    kernel[(triton.cdiv(x.shape[0], 1),)](x, out, x.stride(0), x.stride(1), x.shape[1], BLOCK=64, num_warps=4)
    return out
"""


def _edits(source: str, entry_points: list[str]) -> set[tuple[str, str]]:
    return {(m.operator, " ".join(m.after.split())) for m in mutants_of_source(source, entry_points)}


def test_numpy_operators_make_the_learners_mistakes():
    edits = _edits(NUMPY_SOURCE, ["norm"])
    expected = {
        ("axis", "m = np.max(x, axis=0, keepdims=True)"),
        ("axis", "m = np.max(x, axis=-2, keepdims=True)"),
        ("keepdims", "v = x.var(axis=-1)"),
        ("whole", "m = np.max(x, keepdims=True)"),
        ("term", "y = (x) / np.sqrt(v + eps)"),  # the max subtraction removed
        ("sqrt", "y = (x - m) / (v + eps)"),
        ("eps", "y = (x - m) / (np.sqrt(v) + eps)"),  # eps moved out of the sqrt
        ("eps", "y = (x - m) / np.sqrt(v)"),  # eps removed
        ("swap", "y = np.sqrt(v + eps) / (x - m)"),
        ("transpose", "out = y[:, :x.shape[1]] @ x * 0.5"),
        ("slice", "out = y[:, : x.shape[1] - 1].T @ x * 0.5"),
        ("constant", "out = y[:, : x.shape[1]].T @ x * 1.0"),
        ("range", "for i in range(len(out) - 1):"),
        ("diagonal", "out[i] = np.tril(out[i], diagonal=1) if i < 2 else out[i]"),
        ("compare", "out[i] = np.tril(out[i]) if i <= 2 else out[i]"),
        ("dtype", "return out.astype(np.float32)"),
    }
    assert expected <= edits, sorted(expected - edits)


def test_docstrings_asserts_raise_branches_hints_and_unreached_code_are_not_mutated():
    mutated = mutants_of_source(NUMPY_SOURCE, ["norm"])
    lines = {m.before.strip() for m in mutated}
    assert not any(line.startswith(('"""', "assert", "if x.shape[0]", "raise", "def ")) for line in lines)
    assert all(m.function == "norm" for m in mutated)
    assert all("1e-05" not in m.after and "float = " not in m.after for m in mutated)


def test_triton_operators_drop_masks_shift_offsets_swap_strides_and_break_the_grid():
    edits = _edits(TRITON_SOURCE, ["launch"])
    expected = {
        ("mask", 'x = tl.load(x_ptr + row * stride_row + offs, other=-float("inf"))'),
        ("mask", "tl.store(out_ptr + row * stride_row + offs, x + acc)"),
        ("offset", 'x = tl.load(x_ptr + row * stride_row + offs + 1, mask=mask, other=-float("inf"))'),
        ("stride", 'x = tl.load(x_ptr + row * stride_col + offs, mask=mask, other=-float("inf"))'),
        ("stride", 'x = tl.load(x_ptr + row * 1 + offs, mask=mask, other=-float("inf"))'),
        ("dtype", "acc = tl.zeros((BLOCK,), dtype=tl.float16)"),
        ("compare", "mask = offs <= n"),
        ("grid", "kernel[(x.shape[0] // 1,)](x, out, x.stride(0), x.stride(1), x.shape[1], BLOCK=64, num_warps=4)"),
        (
            "stride",
            "kernel[(triton.cdiv(x.shape[0], 1),)](x, out, x.shape[-1], x.stride(1), x.shape[1], BLOCK=64, num_warps=4)",
        ),
    }
    assert expected <= edits, sorted(expected - edits)
    assert not any("num_warps=5" in after or "tl.arange(1" in after for _, after in edits)


def test_a_weak_check_set_leaves_survivors_with_their_diffs():
    # Only softmax's random cases: no large logits (max subtraction), no axis other than -1.
    result = run_exercise(registry.find("softmax")[0], cases=("forward/random", "backward/random"))
    assert result.error is None
    survived = {(o.mutant.operator, o.mutant.after.split("#")[0].strip()) for o in result.survived}
    assert ("term", "e = np.exp(x)") in survived
    assert ("axis", "m = np.max(x, axis=-1, keepdims=True)") in survived
    no_max = next(o for o in result.survived if o.mutant.after.strip().startswith("e = np.exp(x)"))
    assert no_max.mutant.where.startswith("reference_impls/numpy/softmax.py:")
    assert "-    e = np.exp(x - m)" in no_max.mutant.diff and "+    e = np.exp(x)" in no_max.mutant.diff
    assert not result.meets_goal


def test_a_declared_equivalent_is_counted_and_a_stale_one_reported():
    softmax = registry.full(registry.find("softmax")[0])
    declared = dataclasses.replace(
        softmax,
        equivalent_mutants=(
            Equivalent("softmax", "e = np.exp(x - m)", "np.exp(x)", "(for the test: the weak checks cannot see it)"),
            Equivalent("softmax", "return np.exp(x)", "np.exp(x + 1)", "(for the test: matches no mutant)"),
            Equivalent("softmax_backward", "np.sum(dout * y", "axis=0", "(for the test: the checks kill it)"),
        ),
    )
    result = run_exercise(declared, cases=("forward/random", "backward/random"))
    assert [o.mutant.after.split("#")[0].strip() for o in result.equivalent] == ["e = np.exp(x)"]
    assert [e.line for e in result.stale] == ["return np.exp(x)"]
    assert [o.mutant.function for o in result.wrongly_declared] == ["softmax_backward"]
    assert len(result.killed) + len(result.equivalent) + len(result.survived) == len(result.mutants)
    report = result.to_json()
    assert report["equivalent"] == 1 and report["stale_equivalents"][0]["line"] == "return np.exp(x)"


def test_json_shape_and_exit_codes(cli):
    result = cli("verify", "--mutants", "softmax", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["exercises"]
    (exercise,) = data["exercises"]
    assert {"id", "mutants", "killed", "equivalent", "survived"} <= set(exercise)
    assert exercise["id"] == "softmax" and exercise["mutants"] == exercise["killed"] + exercise["equivalent"] > 20
    assert exercise["survived"] == []

    bad = cli("verify", "--mutants", "no_such_exercise")
    assert bad.exit_code == 2
    assert len(bad.stderr.strip().splitlines()) == 1 and "no_such_exercise" in bad.stderr


def test_the_table_names_each_survivor_with_its_diff():
    from rich.console import Console

    from app.cli.mutants_cmds import print_results

    result = run_exercise(registry.find("softmax")[0], cases=("forward/random", "backward/random"))
    console = Console(record=True, width=160)
    print_results(console, [result])
    text = console.export_text()
    assert "softmax" in text and "Survived" in text and "Score" in text
    assert "reference_impls/numpy/softmax.py:" in text and "+    e = np.exp(x)" in text


CI_SAMPLE = ("softmax", "attention", "layer_norm", "kv_cache", "sampling", "rope", "triton_softmax", "triton_matmul")


@pytest.fixture(scope="module")
def ci_sample():
    results = run_all([registry.find(e)[0] for e in CI_SAMPLE])
    return {r.id: r for r in results}


@pytest.mark.parametrize("exercise_id", CI_SAMPLE)
def test_ci_sample_meets_the_mutation_goal(ci_sample, exercise_id):
    result = ci_sample[exercise_id]
    assert result.error is None, result.error
    survivors = "\n".join(f"{o.mutant.where}\n{o.mutant.diff}" for o in result.survived)
    assert result.meets_goal, f"{exercise_id}: {100 * result.score:.1f} % killed\n{survivors}"
    assert not result.stale and not result.wrongly_declared


def test_no_mutant_that_is_equivalent_by_construction():
    source = """import numpy as np
import torch


def f(q, p, g):
    d2 = ((q - p) ** 2).sum()
    a = np.abs(q - p) + (q - p).abs()
    z = np.zeros(3, dtype=np.float64) + torch.ones(2, dtype=torch.float32).sum().item()
    return d2 + a + z + np.square(g, dtype=np.float64).sum()
"""
    edits = _edits(source, ["f"])
    assert not any(op == "swap" and "(p - q)" in after for op, after in edits)  # squared / abs: symmetric
    assert not any(op == "dtype" and "np.zeros(3)" in after for op, after in edits)  # the constructor's default
    assert not any(op == "dtype" and "torch.ones(2)" in after for op, after in edits)
    assert ("dtype", "return d2 + a + z + np.square(g).sum()") in edits  # a ufunc's dtype= is not a default


def test_a_stride_becomes_none():
    source = """import numpy as np


def pairs(x, w):
    return x[..., 0::2] * np.convolve(x[0], w, mode="same")[::1]


def conv(x, w):
    import torch

    return torch.nn.functional.conv1d(x, w, stride=2)
"""
    edits = _edits(source, ["pairs", "conv"])
    assert any(op == "stride" and "x[..., 0:] *" in after for op, after in edits)
    assert ("stride", "return torch.nn.functional.conv1d(x, w, stride=None)") in edits


def test_a_mutant_that_loops_or_does_not_load_is_killed(tmp_path):
    from app.verify import checking
    from app.verify.mutants.child import _first_failure
    from reference_impls.numpy import softmax as reference

    planned = checking.plan(registry.full(registry.find("softmax")[0]), reference)
    looping = tmp_path / "looping.py"
    looping.write_text("def softmax(x, axis=-1):\n    while True:\n        pass\n", encoding="utf-8")
    broken = tmp_path / "broken.py"
    broken.write_text("def softmax(x, axis=-1)\n    return x\n", encoding="utf-8")
    spec = {"exercise": "softmax"}
    looped = _first_failure(planned, {"n": 1, "path": str(looping), "modules": []}, spec, 0.3)
    assert looped == "timed out after 0.3 s"
    assert _first_failure(planned, {"n": 2, "path": str(broken), "modules": []}, spec, 1.0).startswith(
        "does not load: SyntaxError"
    )


def test_a_deletion_is_declared_by_its_whole_mutated_line():
    from app.verify.mutants.equivalents import match

    source = """def f(q, s):
    qg = q.reshape(-1).to(s.dtype)
    return qg * s
"""
    dropped = [m for m in mutants_of_source(source, ["f"]) if " ".join(m.after.split()) == "qg = q.reshape(-1)"]
    assert len(dropped) == 1  # the cast removed: the mutated line is a piece of the original one
    found, stale = match(
        [Equivalent("f", "q.reshape(-1).to(s.dtype)", "qg = q.reshape(-1)", "(for the test)")], dropped
    )
    assert list(found) == [dropped[0].n] and not stale
    found, stale = match([Equivalent("f", "q.reshape(-1).to(s.dtype)", "q.reshape(-1)", "(a piece only)")], dropped)
    assert not found and stale  # a piece of a deletion is in the original too: it names no edit
