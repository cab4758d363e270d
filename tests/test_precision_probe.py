"""The shared `computed_in_float32` probe: it speaks only of outputs the reference keeps in float64."""

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
