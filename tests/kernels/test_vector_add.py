"""kernels.vector_add against torch's x + y."""

from __future__ import annotations

import pytest
import torch

from kernels.vector_add import BLOCK_SIZE, vector_add
from tests.kernels.random_inputs import DEVICE, randn


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
@pytest.mark.parametrize("shape", [(1,), (7,), (BLOCK_SIZE,), (BLOCK_SIZE + 1,), (3 * BLOCK_SIZE + 5,), (33, 65)])
def test_matches_torch_exactly(shape, dtype):
    x = randn(*shape, seed=0, dtype=dtype, scale=10.0)
    y = randn(*shape, seed=1, dtype=dtype, scale=0.01, shift=-3.0)  # negatives, and a second magnitude
    out = vector_add(x, y)
    assert out.shape == x.shape and out.dtype == dtype and out.device == x.device
    # One fp32 add rounded once to the dtype is what torch does too: bit for bit.
    torch.testing.assert_close(out, x + y, rtol=0, atol=0)


def test_bfloat16_within_one_rounding():
    x = randn(2 * BLOCK_SIZE + 3, seed=2, dtype=torch.bfloat16, scale=10.0)
    y = randn(2 * BLOCK_SIZE + 3, seed=3, dtype=torch.bfloat16)
    # The interpreter truncates fp32 -> bf16 (a GPU rounds to nearest): bf16 tolerance, not exact.
    torch.testing.assert_close(vector_add(x, y), x + y)


def test_empty_input_gives_empty_output():
    x = torch.empty(0, device=DEVICE)
    assert vector_add(x, x).shape == (0,)


def test_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"x \(4, 3\) and y \(3, 4\)"):
        vector_add(torch.zeros(4, 3, device=DEVICE), torch.zeros(3, 4, device=DEVICE))


def test_bad_dtypes_and_layouts_are_refused():
    x = torch.zeros(8, 8, device=DEVICE)
    with pytest.raises(ValueError, match="same dtype"):
        vector_add(x, x.half())
    with pytest.raises(ValueError, match="dtype int32"):
        vector_add(x.int(), x.int())
    with pytest.raises(ValueError, match="contiguous"):
        vector_add(x.t(), x.t())


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16])
def test_large_vectors_on_gpu(dtype):
    n = 2**24 + 3
    x, y = randn(n, seed=4, dtype=dtype), randn(n, seed=5, dtype=dtype)
    torch.testing.assert_close(vector_add(x, y), x + y, rtol=0, atol=0)
