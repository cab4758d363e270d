"""kernel_call, the call of every Triton exercise's checks: output a launcher allocates but never writes shows
as NaN, not as the freed memory of the previous, identical run."""

from __future__ import annotations

import types

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from reference_impls.exercises._triton import kernel_call  # noqa: E402


def test_unwritten_output_is_nan_even_after_an_identical_run():
    x = np.arange(4096, dtype=np.float32).reshape(64, 64)
    writes = types.SimpleNamespace(f=lambda t: t * 2)
    forgets = types.SimpleNamespace(f=lambda t: torch.empty_like(t))  # allocates y, launches nothing that fills it
    call = kernel_call("f", launches=False)
    np.testing.assert_array_equal(call(writes, x), x * 2)
    assert np.isnan(call(forgets, x)).all()
    ints = call(types.SimpleNamespace(f=lambda t: torch.empty(t.shape, dtype=torch.int8)), x)
    assert (ints == 127).all()  # integers: their maximum


def test_deterministic_mode_is_restored_after_the_call():
    before = torch.are_deterministic_algorithms_enabled()
    kernel_call("f", launches=False)(types.SimpleNamespace(f=lambda t: t + 1), np.zeros(3, np.float32))
    assert torch.are_deterministic_algorithms_enabled() == before
