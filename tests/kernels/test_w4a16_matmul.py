"""kernels.w4a16_matmul: the int4 packing against plain nibble arithmetic, the group-wise quantizer against
torch's fake_quantize_per_channel_affine and reference_impls' GPTQ quantizer, the kernel against
dequantize-then-matmul in float64."""

from __future__ import annotations

import pytest
import torch

from kernels.w4a16_matmul import dequantize_w4, pack_int4, quantize_w4, unpack_int4, w4a16_matmul
from reference_impls.torch.gptq import quantizer_params
from tests.kernels.random_inputs import DEVICE, randn

TOLERANCES = {
    torch.float32: {"rtol": 1e-4, "atol": 1e-4},
    torch.float16: {"rtol": 5e-3, "atol": 1e-2},
    torch.bfloat16: {"rtol": 2e-2, "atol": 5e-2},
}


def codes(n, k, seed):
    return torch.randint(0, 16, (n, k), generator=torch.Generator().manual_seed(seed), dtype=torch.uint8)


@pytest.mark.parametrize("k", [1, 2, 7, 10])
def test_pack_puts_even_k_in_the_low_nibble_and_unpack_inverts_it(k):
    q = codes(3, k, seed=k)
    packed = pack_int4(q)
    assert packed.dtype == torch.uint8 and packed.shape == (3, (k + 1) // 2)
    for j in range(k):
        nibble = packed[:, j // 2].long() // 16 if j % 2 else packed[:, j // 2].long() % 16
        assert torch.equal(nibble, q[:, j].long())
    if k % 2:
        assert (packed[:, -1] < 16).all()  # the unused high nibble is 0
    assert torch.equal(unpack_int4(packed, k), q)


def test_unpack_every_byte():
    every = torch.arange(256, dtype=torch.int64).to(torch.uint8)[None, :]
    out = unpack_int4(every, 512).long()
    assert torch.equal(out[0, 0::2], torch.arange(256) % 16) and torch.equal(out[0, 1::2], torch.arange(256) // 16)


@pytest.mark.parametrize("n, k, group_size", [(8, 64, 32), (6, 100, 32), (4, 48, 64), (5, 33, 8), (3, 16, 16)])
def test_quantize_matches_torch_fake_quantize_and_gptq(n, k, group_size):
    w = randn(n, k, seed=n * k, scale=0.05).cpu()
    w[0, :group_size] = 0.0  # an all-zero group
    packed, scales, zeros = quantize_w4(w, group_size)
    groups = -(-k // group_size)
    assert scales.shape == zeros.shape == (n, groups) and zeros.dtype == torch.uint8
    assert scales.dtype == torch.float32
    dequantized = dequantize_w4(packed, scales, zeros, group_size, k)
    for g in range(groups):
        part = w[:, g * group_size : (g + 1) * group_size]
        scale, zero = quantizer_params(part, bits=4)  # GPTQ's quantizer on this group alone
        torch.testing.assert_close(scales[:, g], scale[:, 0], rtol=0, atol=0)
        assert torch.equal(zeros[:, g].float(), zero[:, 0])
        expected = torch.fake_quantize_per_channel_affine(part, scale[:, 0], zero[:, 0].int(), 0, 0, 15)
        torch.testing.assert_close(dequantized[:, g * group_size : (g + 1) * group_size], expected, rtol=0, atol=1e-7)
    # The all-zero group: range -1..1, scale 2/15; 1 / float32(2/15) = 7.4999996, so the zero point is 7, not 8.
    assert scales[0, 0] == pytest.approx(2 / 15) and zeros[0, 0] == 7
    assert (dequantized - w).abs().max() <= scales.max() / 2 + 1e-6  # round to nearest: at most half a step


def random_quantized(n, k, group_size, seed):
    g = torch.Generator().manual_seed(seed)
    groups = -(-k // group_size)
    packed = pack_int4(codes(n, k, seed))
    scales = torch.rand(n, groups, generator=g) * 0.04 + 0.01
    zeros = torch.randint(0, 16, (n, groups), generator=g, dtype=torch.uint8)
    return packed.to(DEVICE), scales.to(DEVICE), zeros.to(DEVICE)


def reference(x, packed, scales, zeros, group_size):
    k = x.shape[1]
    q = unpack_int4(packed.cpu(), k).double()
    index = torch.arange(k) // group_size
    w = (q - zeros.cpu().double()[:, index]) * scales.cpu().double()[:, index]
    return (x.cpu().double() @ w.T).to(x.dtype).to(x.device)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
@pytest.mark.parametrize(
    "M, K, N, group_size",
    [(1, 100, 40, 32), (5, 75, 24, 8), (3, 200, 20, 128), (8, 64, 33, 16), (1, 1, 1, 1), (17, 130, 50, 64)],
)
def test_matches_dequantize_then_matmul(M, K, N, group_size, dtype):
    packed, scales, zeros = random_quantized(N, K, group_size, seed=M + K + N)
    x = randn(M, K, seed=M * K, dtype=dtype)
    y = w4a16_matmul(x, packed, scales, zeros, group_size)
    assert y.shape == (M, N) and y.dtype == dtype and y.device == x.device
    torch.testing.assert_close(y, reference(x, packed, scales, zeros, group_size), **TOLERANCES[dtype])


def test_close_to_the_float_matmul():
    """Quantization error, not a kernel error: int4 with groups of 32 stays near the float answer."""
    x, w = randn(4, 128, seed=1), randn(24, 128, seed=2, scale=0.05)
    y = w4a16_matmul(x, *(t.to(DEVICE) for t in quantize_w4(w, 32)), 32)
    assert (y - x @ w.T).abs().max() < 0.1 * (x @ w.T).abs().max()


def test_bad_inputs_are_refused():
    x = torch.zeros(2, 10, device=DEVICE)
    packed, scales, zeros = random_quantized(4, 10, 4, seed=0)
    with pytest.raises(ValueError, match=r"must hold ceil\(K / 2\) = 5 bytes"):
        w4a16_matmul(x, packed[:, :4], scales, zeros, 4)
    with pytest.raises(ValueError, match=r"must be \(N, ceil\(K / group_size\)\) = \(4, 2\)"):
        w4a16_matmul(x, packed, scales, zeros, 8)
    with pytest.raises(ValueError, match="codes must lie in"):
        pack_int4(torch.full((1, 2), 16))
    with pytest.raises(ValueError, match="k = 7 codes need 4"):
        unpack_int4(packed.cpu(), 7)


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("M, K, N, group_size", [(1, 4096, 4096, 128), (16, 4096, 11008, 128), (333, 1000, 777, 64)])
def test_realistic_sizes_on_gpu(M, K, N, group_size, dtype):
    packed, scales, zeros = random_quantized(N, K, group_size, seed=5)
    x = randn(M, K, seed=6, dtype=dtype)
    expected = reference(x, packed, scales, zeros, group_size)
    atol = TOLERANCES[dtype]["rtol"] * expected.abs().max().item()  # long K in 16-bit: relative to the output's scale
    torch.testing.assert_close(
        w4a16_matmul(x, packed, scales, zeros, group_size), expected, rtol=TOLERANCES[dtype]["rtol"], atol=atol
    )
