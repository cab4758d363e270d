"""kernels.int8_add: the float <-> int8 helpers, and the kernel bit for bit against its CPU reference."""

from __future__ import annotations

import pytest
import torch

from kernels.int8_add import (
    SHIFT,
    choose_qparams,
    dequantize,
    fixed_point_multipliers,
    int8_add,
    int8_add_reference,
    quantize,
)
from tests.kernels.random_inputs import DEVICE, randint8, randn

# (a_scale, a_zero, b_scale, b_zero, out_scale, out_zero): zero-points of both signs and at the
# ends of the range; output scales that saturate (small) or not (large).
QPARAMS = [
    (0.1, 0, 0.1, 0, 0.2, 0),
    (0.02, -7, 0.05, 13, 0.07, -20),
    (0.013, 127, 0.4, -128, 0.41, 5),
    (0.05, 3, 0.05, -3, 0.01, 0),  # out_scale far below the inputs': most sums saturate
    (1e-4, 100, 0.3, -50, 0.3, 127),  # a contributes almost nothing
]


def test_choose_qparams_covers_the_range_and_zero():
    assert choose_qparams(torch.tensor([0.0, 1.0, 2.55])) == pytest.approx((0.01, -128))  # all >= 0: 0 -> -128
    scale, zero = choose_qparams(torch.tensor([-2.55, -1.0]))  # all <= 0: 0 -> 127
    assert (scale, zero) == (pytest.approx(0.01), 127)
    assert choose_qparams(torch.zeros(5)) == (1.0, 0)
    x = randn(1000, seed=0, scale=3.0, shift=1.0)
    scale, zero = choose_qparams(x)
    q = quantize(x, scale, zero)
    assert q.min() == -128 and q.max() == 127  # the extremes land on the ends of the range
    assert quantize(torch.zeros(1), scale, zero).item() == zero  # 0.0 is exact
    assert (dequantize(q, scale, zero) - x).abs().max() <= scale / 2 + 1e-6


def test_choose_qparams_refuses_empty_and_non_finite():
    with pytest.raises(ValueError, match="empty"):
        choose_qparams(torch.zeros(0))
    with pytest.raises(ValueError, match="inf or nan"):
        choose_qparams(torch.tensor([1.0, float("nan")]))


def test_quantize_rounds_half_to_even_and_saturates():
    x = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 1000.0, -1000.0])
    assert quantize(x, 1.0, 0).tolist() == [0, 2, 2, 0, -2, 127, -128]
    assert quantize(x, 1.0, 10).tolist() == [10, 12, 12, 10, 8, 127, -128]
    assert dequantize(torch.tensor([-128, 0, 127], dtype=torch.int8), 0.5, -3).tolist() == [-62.5, 1.5, 65.0]


def test_fixed_point_multipliers():
    assert fixed_point_multipliers(0.1, 0.1, 0.2) == (2 ** (SHIFT - 1), 2 ** (SHIFT - 1))
    assert fixed_point_multipliers(0.3, 0.1, 0.1) == (3 * 2**SHIFT, 2**SHIFT)
    with pytest.raises(ValueError, match="overflows the int32 accumulator"):
        fixed_point_multipliers(100.0, 100.0, 1.0)


def test_hand_worked_ties_round_away_from_zero():
    # Each input step is half an output step: odd sums land exactly on .5 and go away from zero.
    a = torch.tensor([1, -1, 3, -3, 0, 5, -128, 127], dtype=torch.int8, device=DEVICE)
    b = torch.tensor([0, 0, 0, 0, 0, 2, -128, 127], dtype=torch.int8, device=DEVICE)
    expected = [1, -1, 2, -2, 0, 4, -128, 127]  # 0.5, -0.5, 1.5, -1.5, 0, 3.5, -128, 127
    assert int8_add_reference(a, b, 0.1, 0, 0.1, 0, 0.2, 0).tolist() == expected
    assert int8_add(a, b, 0.1, 0, 0.1, 0, 0.2, 0).tolist() == expected


@pytest.mark.parametrize("qparams", QPARAMS)
@pytest.mark.parametrize("n", [1, 7, 1024, 1025, 3001])
def test_kernel_equals_reference_bit_for_bit(n, qparams):
    a_q, b_q = randint8(n, seed=n), randint8(n, seed=n + 1)
    out = int8_add(a_q, b_q, *qparams)
    assert out.dtype == torch.int8 and out.shape == (n,) and out.device == a_q.device
    torch.testing.assert_close(out, int8_add_reference(a_q, b_q, *qparams), rtol=0, atol=0)


def test_every_pair_of_int8_values():
    """All 65536 (a_q, b_q) pairs, in a 2-D layout, with saturation on both ends."""
    values = torch.arange(-128, 128, dtype=torch.int8, device=DEVICE)
    a_q, b_q = torch.meshgrid(values, values, indexing="ij")
    a_q, b_q = a_q.contiguous(), b_q.contiguous()
    qparams = (0.02, -7, 0.05, 13, 0.05, -20)
    out = int8_add(a_q, b_q, *qparams)
    torch.testing.assert_close(out, int8_add_reference(a_q, b_q, *qparams), rtol=0, atol=0)
    assert (out == 127).any() and (out == -128).any()
    # Where the sum is in range, it is the float sum rounded to the nearest output step.
    a_scale, a_zero, b_scale, b_zero, out_scale, out_zero = qparams
    exact = (dequantize(a_q, a_scale, a_zero) + dequantize(b_q, b_scale, b_zero)) / out_scale + out_zero
    inside = (exact > -128.5) & (exact < 127.5)
    assert inside.float().mean() > 0.5
    # Fixed point: within 510 * 2**-17 of the exact quotient, plus float32 error in `exact`.
    assert ((out.float() - exact).abs()[inside]).max() <= 0.5 + 0.004 + 1e-4
    assert (out[exact >= 127.5] == 127).all() and (out[exact <= -128.5] == -128).all()


def test_float_inputs_end_to_end():
    """Step 1 to 4: quantize two fp32 vectors, add in int8, dequantize: close to the float sum."""
    a, b = randn(2000, seed=7, scale=2.0), randn(2000, seed=8, scale=0.5, shift=-1.0)
    (a_scale, a_zero), (b_scale, b_zero) = choose_qparams(a), choose_qparams(b)
    out_scale, out_zero = choose_qparams(torch.cat([a, b, a + b]))  # a range the sum fits in
    out = int8_add(
        quantize(a, a_scale, a_zero),
        quantize(b, b_scale, b_zero),
        a_scale,
        a_zero,
        b_scale,
        b_zero,
        out_scale,
        out_zero,
    )
    error = (dequantize(out, out_scale, out_zero) - (a + b)).abs().max().item()
    assert error <= (a_scale + b_scale + out_scale) / 2 + 0.004 * out_scale + 1e-5


def test_bad_inputs_are_refused():
    a = torch.zeros(4, 3, dtype=torch.int8, device=DEVICE)
    b = torch.zeros(3, 4, dtype=torch.int8, device=DEVICE)
    with pytest.raises(ValueError, match=r"a_q \(4, 3\) and b_q \(3, 4\)"):
        int8_add(a, b, 0.1, 0, 0.1, 0, 0.1, 0)
    with pytest.raises(ValueError, match="b_q has dtype float32"):
        int8_add(a, a.float(), 0.1, 0, 0.1, 0, 0.1, 0)
    with pytest.raises(ValueError, match=r"b_zero must be an int in \[-128, 127\]"):
        int8_add(a, a, 0.1, 0, 0.1, 128, 0.1, 0)
    with pytest.raises(ValueError, match="out_scale must be a finite float > 0"):
        int8_add(a, a, 0.1, 0, 0.1, 0, 0.0, 0)
    with pytest.raises(ValueError, match="out_zero must be an int"):
        int8_add_reference(a, a, 0.1, 0, 0.1, 0, 0.1, 0.5)
    with pytest.raises(ValueError, match="contiguous"):
        int8_add(a.t(), a.t(), 0.1, 0, 0.1, 0, 0.1, 0)


@pytest.mark.gpu
def test_large_vector_on_gpu():
    n = 2**24 + 5
    a_q, b_q = randint8(n, seed=9), randint8(n, seed=10)
    qparams = (0.02, -7, 0.05, 13, 0.06, -20)
    out = int8_add(a_q, b_q, *qparams)
    torch.testing.assert_close(out.cpu(), int8_add_reference(a_q.cpu(), b_q.cpu(), *qparams), rtol=0, atol=0)
