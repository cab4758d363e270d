"""Activations and derivatives against torch.nn.functional and torch.autograd."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from reference_impls.numpy import activations as A
from reference_impls.numpy.log_softmax import (
    log_softmax,
    log_softmax_backward,
    logsumexp,
)

SHAPES = [(0,), (1,), (7,), (3, 5), (2, 3, 4)]
TOL = {np.float32: {"rtol": 1e-5, "atol": 1e-6}, np.float64: {"rtol": 1e-10, "atol": 1e-12}}

UNARY = [
    (A.sigmoid, A.sigmoid_grad, torch.sigmoid),
    (A.relu, A.relu_grad, F.relu),
    (A.leaky_relu, A.leaky_relu_grad, F.leaky_relu),
    (A.tanh, A.tanh_grad, torch.tanh),
    (A.gelu, A.gelu_grad, F.gelu),
    (lambda x: A.gelu(x, "tanh"), lambda x: A.gelu_grad(x, "tanh"), lambda t: F.gelu(t, approximate="tanh")),
    (A.silu, A.silu_grad, F.silu),
]


def torch_value_and_grad(fn, x):
    t = torch.tensor(x, requires_grad=True)
    y = fn(t)
    y.sum().backward()
    return y.detach().numpy(), t.grad.numpy()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("f, f_grad, oracle", UNARY)
def test_unary_matches_torch(f, f_grad, oracle, shape, dtype):
    x = (np.random.default_rng(0).standard_normal(shape) * 3).astype(dtype)
    if x.size:
        x.flat[0] = 0.0  # the kink of relu / leaky relu: PyTorch's convention is the left slope
    want_y, want_dx = torch_value_and_grad(oracle, x)
    y, dx = f(x), f_grad(x)
    assert y.dtype == dtype and y.shape == shape and dx.shape == shape
    np.testing.assert_allclose(y, want_y, **TOL[dtype])
    np.testing.assert_allclose(dx, want_dx, **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_saturates_without_overflow(dtype):
    x = np.array([-1000, -100, -30, 0, 30, 100, 1000], dtype=dtype)
    with np.errstate(over="raise"):
        y = A.sigmoid(x)
    # atol: PyTorch flushes float32 subnormals (sigmoid(-100) = 3.8e-44) to zero
    np.testing.assert_allclose(y, torch.sigmoid(torch.tensor(x)).numpy(), rtol=1e-6, atol=1e-37)
    assert np.isfinite(y).all() and y[0] >= 0 and y[-1] == 1


def test_leaky_relu_slope_and_hand_values():
    x = np.array([-2.0, -0.5, 0.0, 3.0])
    np.testing.assert_array_equal(A.leaky_relu(x, 0.1), [-0.2, -0.05, 0.0, 3.0])
    np.testing.assert_array_equal(A.leaky_relu_grad(x, 0.1), [0.1, 0.1, 0.1, 1.0])
    np.testing.assert_allclose(A.gelu(np.array([1.0])), [0.8413447460685429], rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 1), (4, 6), (2, 3, 8)])
def test_swiglu_matches_autograd(shape, dtype):
    rng = np.random.default_rng(1)
    a, b = (rng.standard_normal(shape).astype(dtype) for _ in range(2))
    g = rng.standard_normal(shape).astype(dtype)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    out = F.silu(ta) * tb
    (out * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(A.swiglu(a, b), out.detach().numpy(), **TOL[dtype])
    da, db = A.swiglu_grad(a, b)
    np.testing.assert_allclose(g * da, ta.grad.numpy(), **TOL[dtype])
    np.testing.assert_allclose(g * db, tb.grad.numpy(), **TOL[dtype])


def test_swiglu_ffn_through_projections():
    # The LLaMA feed-forward: (silu(x W) * (x V)) U, checked end to end against autograd.
    rng = np.random.default_rng(2)
    x, W, V, U = (rng.standard_normal(s) for s in [(5, 8), (8, 12), (8, 12), (12, 8)])
    a, b = x @ W, x @ V
    h = A.swiglu(a, b)
    y = h @ U
    dy = np.ones_like(y)
    dh = dy @ U.T
    da, db = A.swiglu_grad(a, b)
    dx = (dh * da) @ W.T + (dh * db) @ V.T
    tx = torch.tensor(x, requires_grad=True)
    ty = (F.silu(tx @ torch.tensor(W)) * (tx @ torch.tensor(V))) @ torch.tensor(U)
    ty.sum().backward()
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, axis", [((1, 1), -1), ((4, 10), -1), ((4, 10), 0), ((2, 3, 5), 1), ((3, 0), 0)])
def test_log_softmax_matches_torch(shape, axis, dtype):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(shape) * 5).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    t = torch.tensor(x, requires_grad=True)
    y = F.log_softmax(t, dim=axis)
    (y * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(log_softmax(x, axis), y.detach().numpy(), **TOL[dtype])
    np.testing.assert_allclose(log_softmax_backward(g, x, axis), t.grad.numpy(), **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_large_logits_stay_finite(dtype):
    x = np.array([[1000.0, 0.0, -1000.0], [89.0, 90.0, 91.0], [-1e4, -1e4, -1e4]], dtype=dtype)
    with np.errstate(over="raise", divide="raise"):
        y = log_softmax(x)
    assert np.isfinite(y[:2]).all()
    np.testing.assert_allclose(y, F.log_softmax(torch.tensor(x), dim=-1).numpy(), rtol=1e-6)
    np.testing.assert_allclose(logsumexp(x[1]), 91 + np.log(1 + np.exp(-1) + np.exp(-2)), rtol=1e-6)
    np.testing.assert_allclose(y[2], np.log(np.full(3, 1 / 3)), rtol=1e-6)
