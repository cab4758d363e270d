"""INT8 quantization against torch.ao's observers and quantize_per_tensor / quantize_per_channel; group-wise
against a loop; the 1%-outlier experiment; fake quantization against torch.fake_quantize_*, forward and
backward (the straight-through estimator)."""

import pytest
import torch
from torch.ao.quantization.observer import MinMaxObserver, PerChannelMinMaxObserver

from reference_impls.torch.fake_quant import fake_quantize
from reference_impls.torch.quantize import (
    dequantize,
    outlier_comparison,
    quantization_mse,
    quantize_asymmetric,
    quantize_symmetric,
    weights_with_outliers,
)

pytestmark = pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor:UserWarning")  # the oracle is deprecated


def _x(shape, seed, shift=0.0):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed)) * 2 + shift


@pytest.mark.parametrize("seed, shift", [(0, 0.0), (1, 3.0), (2, -5.0)])
def test_per_tensor_matches_torch(seed, shift):
    x = _x((7, 33), seed, shift)
    sym = MinMaxObserver(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric, quant_min=-127, quant_max=127)
    sym(x)
    scale, _ = sym.calculate_qparams()
    q, s = quantize_symmetric(x)
    assert q.dtype == torch.int8 and s.shape == ()
    torch.testing.assert_close(s, scale[0] if scale.dim() else scale)
    assert torch.equal(q, torch.quantize_per_tensor(x, s.item(), 0, torch.qint8).int_repr())
    asym = MinMaxObserver(dtype=torch.quint8, qscheme=torch.per_tensor_affine)
    asym(x)
    scale, zp = asym.calculate_qparams()
    q, s, z = quantize_asymmetric(x)
    torch.testing.assert_close(s, scale.reshape(()))
    assert z.item() == zp.item() and q.dtype == torch.uint8
    assert torch.equal(q, torch.quantize_per_tensor(x, s.item(), z.item(), torch.quint8).int_repr())
    torch.testing.assert_close(
        dequantize(q, s, z), torch.quantize_per_tensor(x, s.item(), z.item(), torch.quint8).dequantize()
    )


@pytest.mark.parametrize("axis", [0, 1])
def test_per_channel_matches_torch(axis):
    x = _x((6, 10), 3) * torch.linspace(0.1, 5, 6)[:, None]
    for symmetric in (True, False):
        obs = PerChannelMinMaxObserver(
            ch_axis=axis,
            dtype=torch.qint8 if symmetric else torch.quint8,
            qscheme=torch.per_channel_symmetric if symmetric else torch.per_channel_affine,
            **({"quant_min": -127, "quant_max": 127} if symmetric else {}),
        )
        obs(x)
        scale, zp = obs.calculate_qparams()
        if symmetric:
            q, s = quantize_symmetric(x, axis=axis)
            z = torch.zeros_like(s, dtype=torch.int64)
        else:
            q, s, z = quantize_asymmetric(x, axis=axis)
        assert s.shape == tuple(x.shape[d] if d == axis else 1 for d in range(2))
        torch.testing.assert_close(s.flatten(), scale)
        assert torch.equal(z.flatten(), zp.to(torch.int64))
        want = torch.quantize_per_channel(
            x, s.flatten().double(), z.flatten(), axis, torch.qint8 if symmetric else torch.quint8
        )
        assert torch.equal(q, want.int_repr())


@pytest.mark.parametrize("group_size", [4, 8, 32])
def test_group_wise_equals_per_tensor_on_each_group(group_size):
    x = _x((3, 32), 4)
    q, s = quantize_symmetric(x, group_size=group_size)
    qa, sa, za = quantize_asymmetric(x, group_size=group_size)
    assert s.shape == sa.shape == za.shape == (3, 32 // group_size)
    for r in range(3):
        for g in range(32 // group_size):
            cols = slice(g * group_size, (g + 1) * group_size)
            q1, s1 = quantize_symmetric(x[r, cols])
            assert torch.equal(q[r, cols], q1) and s[r, g] == s1
            q2, s2, z2 = quantize_asymmetric(x[r, cols])
            assert torch.equal(qa[r, cols], q2) and sa[r, g] == s2 and za[r, g] == z2
    torch.testing.assert_close(dequantize(q, s, group_size=group_size), x, atol=s.max().item() / 2 + 1e-6, rtol=0)


def test_hand_worked_and_edge_cases():
    x = torch.tensor([-1.0, 0.0, 0.5, 2.54])
    q, s = quantize_symmetric(x)
    assert s.item() == pytest.approx(0.02) and q.tolist() == [-50, 0, 25, 127]
    q, s, z = quantize_asymmetric(torch.tensor([0.0, 1.0, 2.55]))  # all >= 0: zero point 0, scale 0.01
    assert s.item() == pytest.approx(0.01) and z.item() == 0 and q.tolist() == [0, 100, 255]
    q, s = quantize_symmetric(torch.zeros(2, 3), axis=0)  # an all-zero channel: scale 1, codes 0
    assert s.flatten().tolist() == [1.0, 1.0] and not q.any()


def test_per_channel_beats_per_tensor_with_one_percent_outliers():
    w = weights_with_outliers(256, 128, generator=torch.Generator().manual_seed(0))
    per_tensor, per_channel = outlier_comparison(w)
    assert per_channel < per_tensor / 2
    q, s = quantize_symmetric(w)
    assert per_tensor == quantization_mse(w, dequantize(q, s))


@pytest.mark.parametrize("scale, zero_point, qmin, qmax", [(0.1, 0, -128, 127), (0.05, 10, 0, 255), (0.25, -3, -8, 7)])
def test_fake_quantize_matches_torch_forward_and_backward(scale, zero_point, qmin, qmax):
    x = _x((5, 40), 5)
    w = _x((5, 40), 6)
    ours = x.clone().requires_grad_()
    theirs = x.clone().requires_grad_()
    out = fake_quantize(ours, scale, zero_point, qmin, qmax)
    want = torch.fake_quantize_per_tensor_affine(theirs, scale, zero_point, qmin, qmax)
    torch.testing.assert_close(out, want, rtol=0, atol=1e-6)
    (out * w).sum().backward()
    (want * w).sum().backward()
    assert torch.equal(ours.grad, theirs.grad)
    assert ((ours.grad == 0) | (ours.grad == w)).all() and (ours.grad == w).any()  # passed through, or 0 where clamped
    if qmax - qmin < 100:
        assert (ours.grad == 0).any()


def test_fake_quantize_per_channel_matches_torch():
    x = _x((4, 30), 7)
    scale, zp = torch.tensor([0.01, 0.05, 0.1, 0.2]), torch.tensor([0, 5, -5, 0], dtype=torch.int32)
    ours, theirs = x.clone().requires_grad_(), x.clone().requires_grad_()
    out = fake_quantize(ours, scale[:, None], zp[:, None], -128, 127)
    want = torch.fake_quantize_per_channel_affine(theirs, scale, zp, 0, -128, 127)
    torch.testing.assert_close(out, want, rtol=0, atol=1e-6)
    out.sum().backward(), want.sum().backward()
    assert torch.equal(ours.grad, theirs.grad)
