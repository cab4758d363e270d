"""Dropout, batch / layer / RMS / group / instance norm against torch.nn.functional + autograd."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from reference_impls.numpy import batchnorm as bn
from reference_impls.numpy import groupnorm as gn
from reference_impls.numpy import layernorm as ln
from reference_impls.numpy.dropout import dropout, dropout_backward

TOL = {np.float32: {"rtol": 1e-4, "atol": 1e-5}, np.float64: {"rtol": 1e-9, "atol": 1e-11}}
DTYPES = [np.float32, np.float64]


def data(shape, dtype, seed=0, scale=2.0, shift=0.5):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * scale + shift).astype(dtype), rng


def grads_of(fn, dy, *arrays):
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y = fn(*ts)
    y.backward(torch.tensor(dy))
    return y.detach().numpy(), [t.grad.numpy() for t in ts]


# ---- dropout


@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, 0.9, 1.0])
def test_dropout_train_rule_and_backward(p):
    x, _ = data((64, 50), np.float32)
    out, mask = dropout(x, p, training=True, rng=np.random.default_rng(1))
    assert out.dtype == np.float32
    if p == 1.0:
        assert not out.any()
        return
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / (1 - p), rtol=1e-6)  # inverted scaling
    if p:
        assert abs(1 - kept.mean() - p) < 0.03  # drop rate ~ p over 3200 units
    # backward against autograd with the same mask
    dy, _ = data(x.shape, np.float32, seed=2)
    _, (want,) = grads_of(lambda t: t * torch.tensor(mask if mask is not None else np.ones_like(x)), dy, x)
    np.testing.assert_allclose(dropout_backward(dy, mask), want, rtol=1e-6)


def test_dropout_eval_is_identity_and_mask_is_reproducible():
    x, _ = data((5, 7), np.float64)
    out, mask = dropout(x, 0.5, training=False)
    np.testing.assert_array_equal(out, x)
    assert mask is None
    np.testing.assert_array_equal(F.dropout(torch.tensor(x), 0.5, training=False).numpy(), out)
    a, _ = dropout(x, 0.5, rng=np.random.default_rng(3))
    b, _ = dropout(x, 0.5, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)


def test_dropout_preserves_expectation_like_torch():
    x = np.ones(200_000)
    ours, _ = dropout(x, 0.3, rng=np.random.default_rng(0))
    theirs = F.dropout(torch.tensor(x), 0.3, training=True).numpy()
    assert abs(ours.mean() - 1) < 0.01 and abs(theirs.mean() - 1) < 0.01
    assert set(np.unique(ours)) == set(np.unique(theirs)) == {0.0, 1 / 0.7}


# ---- batch norm


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(8, 3), (2, 4), (4, 3, 5, 5), (2, 2, 7), (1, 3, 2, 2)])
def test_batchnorm_train_eval_and_running_stats(shape, dtype):
    x, rng = data(shape, dtype)
    c = shape[1]
    gamma, beta = rng.standard_normal(c).astype(dtype), rng.standard_normal(c).astype(dtype)
    torch_bn = (torch.nn.BatchNorm1d if len(shape) < 4 else torch.nn.BatchNorm2d)(
        c, momentum=0.1, dtype=torch.float64 if dtype == np.float64 else torch.float32
    )
    with torch.no_grad():
        torch_bn.weight.copy_(torch.tensor(gamma))
        torch_bn.bias.copy_(torch.tensor(beta))
    rm, rv = np.zeros(c, dtype), np.ones(c, dtype)
    for step in range(3):  # three training steps: running stats follow PyTorch's update
        xs, _ = data(shape, dtype, seed=step + 10)
        y, rm, rv = bn.batchnorm_forward(xs, gamma, beta, rm, rv, training=True)
        torch_bn.train()
        np.testing.assert_allclose(y, torch_bn(torch.tensor(xs)).detach().numpy(), **TOL[dtype])
        np.testing.assert_allclose(rm, torch_bn.running_mean.numpy(), **TOL[dtype])
        np.testing.assert_allclose(rv, torch_bn.running_var.numpy(), **TOL[dtype])  # unbiased
    torch_bn.eval()
    y, rm2, rv2 = bn.batchnorm_forward(x, gamma, beta, rm, rv, training=False)
    np.testing.assert_allclose(y, torch_bn(torch.tensor(x)).detach().numpy(), **TOL[dtype])
    np.testing.assert_array_equal(rm2, rm)  # eval never updates the running stats
    assert y.dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5, 5), (2, 2, 7)])
def test_batchnorm_backward(shape, dtype):
    x, rng = data(shape, dtype)
    c = shape[1]
    gamma, beta = rng.standard_normal(c).astype(dtype), rng.standard_normal(c).astype(dtype)
    dy = rng.standard_normal(shape).astype(dtype)
    _, want = grads_of(lambda t, g, b: F.batch_norm(t, None, None, g, b, training=True), dy, x, gamma, beta)
    for got, w in zip(bn.batchnorm_backward(dy, x, gamma), want):
        np.testing.assert_allclose(got, w, **TOL[dtype])
    rv = rng.uniform(0.5, 2, c).astype(dtype)
    rm = rng.standard_normal(c).astype(dtype)
    _, (want_dx, _, _) = grads_of(
        lambda t, g, b: F.batch_norm(t, torch.tensor(rm), torch.tensor(rv), g, b, training=False), dy, x, gamma, beta
    )
    np.testing.assert_allclose(bn.batchnorm_eval_backward(dy, x, gamma, rv), want_dx, **TOL[dtype])


def test_batchnorm_by_hand():
    x = np.array([[1.0], [3.0]])  # mean 2, biased var 1, unbiased var 2
    y, rm, rv = bn.batchnorm_forward(x, np.ones(1), np.zeros(1), np.zeros(1), np.ones(1), eps=0.0)
    np.testing.assert_allclose(y, [[-1.0], [1.0]])
    np.testing.assert_allclose(rm, [0.2])
    np.testing.assert_allclose(rv, [0.9 + 0.1 * 2.0])


# ---- layer norm and RMSNorm


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, k", [((4, 8), 1), ((2, 3, 16), 1), ((2, 3, 4, 5), 2), ((1, 1), 1), ((3, 7), 2)])
def test_layer_norm(shape, k, dtype):
    x, rng = data(shape, dtype)
    ns = shape[-k:]
    w, b = rng.standard_normal(ns).astype(dtype), rng.standard_normal(ns).astype(dtype)
    dy = rng.standard_normal(shape).astype(dtype)
    want_y, want = grads_of(lambda t, ww, bb: F.layer_norm(t, ns, ww, bb, eps=1e-5), dy, x, w, b)
    np.testing.assert_allclose(ln.layer_norm(x, w, b), want_y, **TOL[dtype])
    for got, ww in zip(ln.layer_norm_backward(dy, x, w), want):
        np.testing.assert_allclose(got, ww, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, k", [((4, 8), 1), ((2, 3, 16), 1), ((2, 3, 4, 5), 2), ((5, 1), 1)])
def test_rms_norm(shape, k, dtype):
    x, rng = data(shape, dtype)
    ns = shape[-k:]
    w = rng.standard_normal(ns).astype(dtype)
    dy = rng.standard_normal(shape).astype(dtype)
    want_y, want = grads_of(lambda t, ww: F.rms_norm(t, ns, ww, eps=1e-6), dy, x, w)
    np.testing.assert_allclose(ln.rms_norm(x, w), want_y, **TOL[dtype])
    for got, ww in zip(ln.rms_norm_backward(dy, x, w), want):
        np.testing.assert_allclose(got, ww, **TOL[dtype])


# ---- group norm and instance norm


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "shape, groups", [((2, 6, 4, 4), 3), ((3, 4, 5), 1), ((2, 8, 3, 3), 8), ((1, 4, 2, 2), 2), ((4, 6), 2)]
)
def test_group_norm(shape, groups, dtype):
    x, rng = data(shape, dtype)
    c = shape[1]
    g, b = rng.standard_normal(c).astype(dtype), rng.standard_normal(c).astype(dtype)
    dy = rng.standard_normal(shape).astype(dtype)
    want_y, want = grads_of(lambda t, gg, bb: F.group_norm(t, groups, gg, bb, eps=1e-5), dy, x, g, b)
    np.testing.assert_allclose(gn.group_norm(x, groups, g, b), want_y, **TOL[dtype])
    for got, w in zip(gn.group_norm_backward(dy, x, groups, g), want):
        np.testing.assert_allclose(got, w, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 3, 4, 4), (3, 2, 9), (1, 1, 5, 5)])
def test_instance_norm(shape, dtype):
    x, rng = data(shape, dtype)
    c = shape[1]
    g, b = rng.standard_normal(c).astype(dtype), rng.standard_normal(c).astype(dtype)
    dy = rng.standard_normal(shape).astype(dtype)
    want_y, want = grads_of(lambda t, gg, bb: F.instance_norm(t, weight=gg, bias=bb, eps=1e-5), dy, x, g, b)
    np.testing.assert_allclose(gn.instance_norm(x, g, b), want_y, **TOL[dtype])
    for got, w in zip(gn.instance_norm_backward(dy, x, g), want):
        np.testing.assert_allclose(got, w, **TOL[dtype])
