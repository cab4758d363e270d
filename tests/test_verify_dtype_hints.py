"""Hints about dtypes: the shared `computed_in_float32` probe speaks only of outputs the reference keeps in
float64; the built-in dtype hint does not tell a mask to keep an input dtype."""

import numpy as np

from reference_impls.exercise import Case
from reference_impls.exercises._precision import computed_in_float32


def _case(**kwargs):
    return Case("c", (), kwargs)


def test_float64_output_rounded_to_float32_is_named():
    rng = np.random.default_rng(0)
    want = rng.standard_normal(50)
    got = want.astype(np.float32).astype(np.float64)
    assert computed_in_float32(_case(x=want), got, want)


def test_float32_output_beside_a_float64_input_is_not_named():
    """x float32 and theta float64 (rope): a float64 answer where the reference returns float32 differs by
    float32 rounding, but not because the learner computed in float32."""
    rng = np.random.default_rng(1)
    theta = rng.random(4)
    want = rng.standard_normal(50).astype(np.float32)
    got = want.astype(np.float64) + 1e-9
    assert not computed_in_float32(_case(x=want, theta=theta), got, want)


def test_no_float64_input_is_not_named():
    want = np.linspace(0, 1, 10, dtype=np.float32)
    assert not computed_in_float32(_case(x=want), want + np.float32(1e-7), want)


def test_a_float_mask_is_told_to_be_boolean():
    """A mask returned as 0/1 floats: 'keep the input's dtype' would be wrong advice (a mask has no input dtype)."""
    from app.verify.checking import _built_in_hints
    from app.verify.compare import Mismatch

    mask = Mismatch("dtype", kind="dtype", expected_dtype="bool", actual_dtype="float32")
    [hint] = _built_in_hints(mask, [], None, named=False)
    assert "boolean mask" in hint and "input's dtype" not in hint
    values = Mismatch("dtype", kind="dtype", expected_dtype="float32", actual_dtype="float64")
    [hint] = _built_in_hints(values, [], None, named=False)
    assert "keep the input's dtype" in hint


def test_a_dtype_no_input_carries_is_named_as_the_tasks():
    """rope_frequencies(head_dim=8) takes an int: a float32 result cannot 'keep the input's dtype'."""
    from app.verify.checking import _built_in_hints
    from app.verify.compare import Mismatch

    thetas = Mismatch("dtype", kind="dtype", expected_dtype="float64", actual_dtype="float32")
    [hint] = _built_in_hints(thetas, [], None, named=False, case=_case(head_dim=8))
    assert "no input carries" in hint and "dtype=torch.float64" in hint
    [hint] = _built_in_hints(thetas, [], None, named=False, case=_case(x=np.zeros(3)))  # float64 x in: keep it
    assert "keep the input's dtype" in hint
