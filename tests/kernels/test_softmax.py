"""kernels.softmax against torch.softmax computed in fp32 and rounded once to the dtype."""

from __future__ import annotations

import pytest
import torch

from kernels.softmax import softmax
from tests.kernels.random_inputs import DEVICE, randn

DTYPES = [torch.float32, torch.float16, torch.bfloat16]


def reference(x: torch.Tensor) -> torch.Tensor:
    return torch.softmax(x.float(), dim=-1).to(x.dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (3, 7), (17, 129), (32, 1000), (2, 1024)])
def test_matches_torch(shape, dtype):
    x = randn(*shape, seed=sum(shape), dtype=dtype, scale=5.0, shift=-1.0)
    out = softmax(x)
    assert out.shape == x.shape and out.dtype == dtype and out.device == x.device
    # Default tolerances per dtype; bf16's also covers the interpreter's truncating fp32 -> bf16.
    torch.testing.assert_close(out, reference(x))
    torch.testing.assert_close(out.float().sum(dim=-1), torch.ones(shape[0], device=DEVICE), rtol=0, atol=1e-2)


def test_large_values_do_not_overflow():
    x = randn(4, 50, seed=1, scale=3.0, shift=1000.0)  # exp(1000) is inf: needs the max subtraction
    out = softmax(x)
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out, reference(x))


def test_minus_inf_entries_get_zero_probability():
    x = randn(3, 20, seed=2)
    x[:, 5:9] = float("-inf")  # as a masked attention row
    out = softmax(x)
    assert (out[:, 5:9] == 0).all()
    torch.testing.assert_close(out, reference(x))


def test_strided_rows():
    wide = randn(6, 40, seed=3)
    x = wide[:, :25]  # row stride 40, last dim contiguous
    torch.testing.assert_close(softmax(x), reference(x))


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match=r"2-D \(rows, cols\), got shape \(2, 3, 4\)"):
        softmax(torch.zeros(2, 3, 4, device=DEVICE))
    with pytest.raises(ValueError, match="last dim must be contiguous"):
        softmax(torch.zeros(8, 6, device=DEVICE).t())
    with pytest.raises(ValueError, match="dtype int64"):
        softmax(torch.zeros(2, 3, dtype=torch.int64, device=DEVICE))


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1823, 781), (4096, 8192), (8, 65536)])
def test_realistic_sizes_on_gpu(shape, dtype):
    x = randn(*shape, seed=4, dtype=dtype, scale=3.0)
    torch.testing.assert_close(softmax(x), reference(x))
