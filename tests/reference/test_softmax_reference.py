"""The softmax reference against torch: forward against torch.softmax, backward against autograd."""

import numpy as np
import pytest
import torch

from reference_impls.numpy.softmax import softmax, softmax_backward

TOL = {np.float32: dict(rtol=1e-5, atol=1e-7), np.float64: dict(rtol=1e-10, atol=1e-13)}
CASES = [
    ((7,), -1),
    ((3, 5), -1),
    ((3, 5), 0),
    ((2, 3, 4), 1),
    ((2, 3, 4), -1),
    ((1, 9), -1),
    ((4, 1), -1),
    ((0, 5), -1),
]


def _logits(shape, dtype, shift=0.0, seed=0):
    return (np.random.default_rng(seed).standard_normal(shape) * 4 + shift).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, axis", CASES)
@pytest.mark.parametrize("shift", [0.0, 1000.0, -1000.0])
def test_softmax_and_backward_match_torch(shape, axis, dtype, shift):
    x = _logits(shape, dtype, shift)
    dout = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    t = torch.tensor(x, requires_grad=True)
    want = torch.softmax(t, dim=axis)
    want.backward(torch.tensor(dout))
    y = softmax(x, axis=axis)
    assert y.dtype == x.dtype and y.shape == x.shape
    np.testing.assert_allclose(y, want.detach().numpy(), **TOL[dtype])
    dx = softmax_backward(dout, y, axis=axis)
    assert dx.dtype == x.dtype
    np.testing.assert_allclose(dx, t.grad.numpy(), **TOL[dtype])


def test_masked_logits_get_zero_probability_like_torch():
    x = _logits((3, 6), np.float64)
    x[:, 4:] = -np.inf
    y = softmax(x)
    np.testing.assert_allclose(y, torch.softmax(torch.tensor(x), dim=-1).numpy(), rtol=1e-12)
    assert (y[:, 4:] == 0).all()
    np.testing.assert_allclose(y.sum(-1), 1.0)


def test_hand_worked_example():
    # softmax([0, ln 2, ln 3]) = [1, 2, 3] / 6, and the inputs are not modified.
    x = np.log(np.array([1.0, 2.0, 3.0]))
    before = x.copy()
    np.testing.assert_allclose(softmax(x), [1 / 6, 2 / 6, 3 / 6], rtol=1e-15)
    np.testing.assert_array_equal(x, before)
