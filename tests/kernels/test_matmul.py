"""kernels.matmul (tiled, grouped) and matmul_naive against a float64 matmul rounded to the dtype."""

from __future__ import annotations

import pytest
import torch

from kernels.matmul import INTERPRETER_CONFIG, matmul, matmul_naive
from tests.kernels.random_inputs import DEVICE, randn

# fp32 differs from float64 by summation order; fp16 / bf16 by at most about one rounding of the output.
TOLERANCES = {
    torch.float32: {"rtol": 1e-4, "atol": 1e-4},
    torch.float16: {"rtol": 2e-3, "atol": 1e-3},
    torch.bfloat16: {"rtol": 1.6e-2, "atol": 1e-2},
}


def reference(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return (a.double() @ b.double()).to(a.dtype)


def operands(M, K, N, dtype, seed=0):
    return randn(M, K, seed=seed, dtype=dtype), randn(K, N, seed=seed + 1, dtype=dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
@pytest.mark.parametrize("M, K, N", [(1, 1, 1), (3, 5, 7), (70, 33, 45), (130, 64, 100)])
def test_tiled_matches_torch(M, K, N, dtype):
    a, b = operands(M, K, N, dtype, seed=M + K + N)
    c = matmul(a, b)
    assert c.shape == (M, N) and c.dtype == dtype and c.device == a.device
    torch.testing.assert_close(c, reference(a, b), **TOLERANCES[dtype])


def test_tiled_covers_several_groups_and_a_short_last_group():
    block_m, group_m = INTERPRETER_CONFIG["BLOCK_M"], INTERPRETER_CONFIG["GROUP_M"]
    M = block_m * (2 * group_m + 1) - 3  # two full groups of tile rows, a short third, a ragged edge
    a, b = operands(M, 40, 3 * INTERPRETER_CONFIG["BLOCK_N"] + 1, torch.float32, seed=5)
    torch.testing.assert_close(matmul(a, b), reference(a, b), **TOLERANCES[torch.float32])


def test_tiled_takes_strided_operands():
    a = randn(40, 30, seed=6).t()  # (30, 40), column-major
    b = randn(50, 40, seed=7)[::2]  # (25, 40), every other row
    b = b.t()  # (40, 25)
    torch.testing.assert_close(matmul(a, b), reference(a, b), **TOLERANCES[torch.float32])


def test_k_zero_gives_zeros():
    a, b = torch.zeros(3, 0, device=DEVICE), torch.zeros(0, 4, device=DEVICE)
    assert torch.equal(matmul(a, b), torch.zeros(3, 4, device=DEVICE))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
@pytest.mark.parametrize("M, K, N", [(1, 1, 1), (5, 7, 3), (3, 130, 2)])  # 130: K tiles plus a tail
def test_naive_matches_torch(M, K, N, dtype):
    a, b = operands(M, K, N, dtype, seed=M * K * N)
    c = matmul_naive(a, b)
    assert c.shape == (M, N) and c.dtype == dtype
    torch.testing.assert_close(c, reference(a, b), **TOLERANCES[dtype])


def test_naive_takes_strided_operands():
    a, b = randn(6, 4, seed=8).t(), randn(3, 6, seed=9).t()  # (4, 6) @ (6, 3)
    torch.testing.assert_close(matmul_naive(a, b), reference(a, b), **TOLERANCES[torch.float32])


@pytest.mark.parametrize("fn", [matmul, matmul_naive])
def test_bad_inputs_are_refused(fn):
    with pytest.raises(ValueError, match=r"inner dimensions differ: a \(4, 3\) @ b \(4, 3\)"):
        fn(torch.zeros(4, 3, device=DEVICE), torch.zeros(4, 3, device=DEVICE))
    with pytest.raises(ValueError, match="same dtype"):
        fn(torch.zeros(2, 3, device=DEVICE), torch.zeros(3, 2, device=DEVICE, dtype=torch.float16))
    with pytest.raises(ValueError, match=r"2-D \(M, K\)"):
        fn(torch.zeros(2, 2, 3, device=DEVICE), torch.zeros(3, 2, device=DEVICE))


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32])
@pytest.mark.parametrize("M, K, N", [(512, 512, 512), (1000, 777, 1500)])
def test_tiled_realistic_sizes_on_gpu(M, K, N, dtype):
    a, b = operands(M, K, N, dtype, seed=10)
    # Long K: fp32 summation-order error grows like sqrt(K); 16-bit outputs round once.
    tolerance = {"rtol": 1e-3, "atol": 1e-3} if dtype == torch.float32 else TOLERANCES[dtype]
    torch.testing.assert_close(matmul(a, b), reference(a, b), **tolerance)


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_naive_on_gpu(dtype):
    a, b = operands(256, 300, 129, dtype, seed=11)
    torch.testing.assert_close(matmul_naive(a, b), reference(a, b), **TOLERANCES[dtype])
