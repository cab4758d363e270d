"""Conv2d, pooling, receptive fields and depthwise-separable convs against torch.nn.functional
+ autograd."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from reference_impls.numpy import conv2d as cv
from reference_impls.numpy import depthwise_separable as ds
from reference_impls.numpy import pooling as pl
from reference_impls.numpy.receptive_field import (
    Layer,
    receptive_field,
    receptive_fields,
)

TOL = {np.float32: {"rtol": 1e-4, "atol": 1e-5}, np.float64: {"rtol": 1e-10, "atol": 1e-11}}
DTYPES = [np.float32, np.float64]


def autograd(fn, dy, *arrays):
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y = fn(*ts)
    y.backward(torch.tensor(dy))
    return y.detach().numpy(), [t.grad.numpy() for t in ts]


CONV_CASES = [  # (x shape, w shape, stride, padding, dilation, groups)
    ((2, 3, 7, 7), (4, 3, 3, 3), 1, 0, 1, 1),
    ((1, 2, 8, 6), (3, 2, 3, 2), 2, 1, 1, 1),
    ((2, 3, 9, 9), (2, 3, 3, 3), 1, 2, 2, 1),
    ((1, 1, 5, 5), (1, 1, 5, 5), 1, 0, 1, 1),  # kernel covers the input: a 1x1 output
    ((2, 4, 6, 7), (6, 2, 3, 3), (2, 1), (1, 0), (1, 2), 2),
    ((1, 4, 6, 6), (4, 1, 3, 3), 1, 1, 1, 4),  # depthwise
    ((3, 2, 4, 4), (5, 2, 1, 1), 1, 0, 1, 1),  # pointwise
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("xs, ws, stride, padding, dilation, groups", CONV_CASES)
def test_conv2d_forward_backward(xs, ws, stride, padding, dilation, groups, dtype):
    rng = np.random.default_rng(sum(xs) + sum(ws))
    x, w, b = (rng.standard_normal(s).astype(dtype) for s in (xs, ws, (ws[0],)))
    y = cv.conv2d(x, w, b, stride, padding, dilation, groups)
    kw = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    dy = rng.standard_normal(y.shape).astype(dtype)
    want, grads = autograd(lambda t, u, v: F.conv2d(t, u, v, **kw), dy, x, w, b)
    assert y.dtype == dtype and y.shape == want.shape
    np.testing.assert_allclose(y, want, **TOL[dtype])
    for got, g in zip(cv.conv2d_backward(dy, x, w, **kw), grads):
        np.testing.assert_allclose(got, g, **TOL[dtype])


def test_conv2d_by_hand_and_convolution_vs_correlation():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])  # x[i, j] - x[i + 1, j + 1] = -5 everywhere
    np.testing.assert_array_equal(cv.conv2d(x, w), np.full((1, 1, 3, 3), -5.0))
    assert cv.output_size(32, 3, stride=2, padding=1) == 16
    assert cv.output_size(32, 3, dilation=2) == 28
    from scipy.signal import convolve2d, correlate2d

    a, k = np.random.default_rng(0).standard_normal((6, 5)), np.random.default_rng(1).standard_normal((3, 2))
    np.testing.assert_allclose(cv.conv2d(a[None, None], k[None, None])[0, 0], correlate2d(a, k, "valid"))
    np.testing.assert_allclose(cv.conv2d(a[None, None], k[None, None, ::-1, ::-1])[0, 0], convolve2d(a, k, "valid"))


POOL_CASES = [
    ((2, 3, 8, 8), 2, None, 0),
    ((1, 2, 7, 5), 3, 2, 1),
    ((2, 1, 6, 6), (2, 3), (1, 2), 0),
    ((1, 1, 4, 4), 4, None, 0),
    ((1, 2, 5, 5), 3, 1, 1),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("xs, k, s, p", POOL_CASES)
def test_max_and_avg_pool(xs, k, s, p, dtype):
    rng = np.random.default_rng(sum(xs))
    x = rng.permutation(np.prod(xs)).reshape(xs).astype(dtype) / 7  # distinct values: no ties
    y = pl.max_pool2d(x, k, s, p)
    dy = rng.standard_normal(y.shape).astype(dtype)
    want, (dx,) = autograd(lambda t: F.max_pool2d(t, k, s, p), dy, x)
    np.testing.assert_allclose(y, want, **TOL[dtype])
    np.testing.assert_allclose(pl.max_pool2d_backward(dy, x, k, s, p), dx, **TOL[dtype])
    y = pl.avg_pool2d(x, k, s, p)
    want, (dx,) = autograd(lambda t: F.avg_pool2d(t, k, s, p), dy, x)
    assert y.dtype == dtype
    np.testing.assert_allclose(y, want, **TOL[dtype])
    np.testing.assert_allclose(pl.avg_pool2d_backward(dy, x, k, s, p), dx, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_global_avg_pool(dtype):
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 4)).astype(dtype)
    dy = np.random.default_rng(1).standard_normal((2, 3)).astype(dtype)
    want, (dx,) = autograd(lambda t: F.adaptive_avg_pool2d(t, 1)[:, :, 0, 0], dy, x)
    np.testing.assert_allclose(pl.global_avg_pool2d(x), want, **TOL[dtype])
    np.testing.assert_allclose(pl.global_avg_pool2d_backward(dy, x), dx, **TOL[dtype])


def test_max_pool_by_hand():
    x = np.array([[[[1.0, 2.0, 5.0, 0.0], [3.0, 4.0, 1.0, 1.0], [0.0, 0.0, 2.0, 2.0], [9.0, 0.0, 2.0, 3.0]]]])
    np.testing.assert_array_equal(pl.max_pool2d(x, 2)[0, 0], [[4.0, 5.0], [9.0, 3.0]])
    np.testing.assert_array_equal(pl.avg_pool2d(x, 2)[0, 0], [[2.5, 1.75], [2.25, 2.25]])


def test_receptive_field_worked_example():
    layers = [Layer(3, s) for s in (1, 2, 1, 2, 1)]
    info = receptive_fields(layers, input_size=64)
    assert [i["r"] for i in info] == [3, 5, 9, 13, 21]
    assert [i["jump"] for i in info] == [1, 2, 2, 4, 4]
    assert [i["size"] for i in info] == [62, 30, 28, 13, 11]
    assert receptive_field([Layer(3, 1, dilation=d) for d in (1, 2, 4)]) == 15  # WaveNet-style 1 + 2 + 4 + 8
    assert receptive_field([Layer(7, 2, 3), Layer(3, 2, 1)]) == 11  # ResNet stem: conv7/2 + maxpool3/2


@pytest.mark.parametrize(
    "layers",
    [
        [Layer(3, s) for s in (1, 2, 1, 2, 1)],
        [Layer(5, 2), Layer(3, 1, dilation=2), Layer(2, 2)],
        [Layer(3, 1, dilation=d) for d in (1, 2, 4)],
    ],
)
def test_receptive_field_matches_autograd(layers):
    # the input pixels with a nonzero gradient for one output unit span its receptive field
    r = receptive_field(layers)
    n = 2 * r + 8
    x = torch.ones(1, 1, n, n, requires_grad=True)
    h = x
    for L in layers:
        h = F.conv2d(h, torch.ones(1, 1, L.kernel, L.kernel), stride=L.stride, padding=L.padding, dilation=L.dilation)
    h[0, 0, h.shape[2] // 2, h.shape[3] // 2].backward()
    rows = torch.nonzero(x.grad[0, 0].abs().sum(1)).flatten()
    assert int(rows.max() - rows.min()) + 1 == r
    sizes = [i["size"] for i in receptive_fields(layers, n)]
    assert sizes[-1] == h.shape[2]


@pytest.mark.parametrize("c_in, c_out, k", [(3, 16, 3), (32, 64, 3), (64, 128, 5), (1, 1, 1)])
def test_parameter_counts_match_torch(c_in, c_out, k):
    std = torch.nn.Conv2d(c_in, c_out, k)
    sep = torch.nn.Sequential(torch.nn.Conv2d(c_in, c_in, k, groups=c_in), torch.nn.Conv2d(c_in, c_out, 1))
    assert ds.conv_params(c_in, c_out, k) == sum(p.numel() for p in std.parameters())
    assert ds.separable_params(c_in, c_out, k) == sum(p.numel() for p in sep.parameters())
    assert ds.conv_params(32, 64, 3) == 18496 and ds.separable_params(32, 64, 3) == 320 + 2112  # by hand


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("stride, padding, dilation", [(1, 1, 1), (2, 0, 1), (1, 2, 2)])
def test_depthwise_separable_forward_backward(stride, padding, dilation, dtype):
    rng = np.random.default_rng(stride + padding)
    c_in, c_out = 3, 5
    x = rng.standard_normal((2, c_in, 8, 8)).astype(dtype)
    w_dw, b_dw = rng.standard_normal((c_in, 1, 3, 3)).astype(dtype), rng.standard_normal(c_in).astype(dtype)
    w_pw, b_pw = rng.standard_normal((c_out, c_in, 1, 1)).astype(dtype), rng.standard_normal(c_out).astype(dtype)
    y = ds.depthwise_separable_conv(x, w_dw, b_dw, w_pw, b_pw, stride, padding, dilation)
    dy = rng.standard_normal(y.shape).astype(dtype)

    def torch_sep(t, a, b, c, d):
        return F.conv2d(F.conv2d(t, a, b, stride, padding, dilation, groups=c_in), c, d)

    want, grads = autograd(torch_sep, dy, x, w_dw, b_dw, w_pw, b_pw)
    np.testing.assert_allclose(y, want, **TOL[dtype])
    for got, g in zip(ds.depthwise_separable_backward(dy, x, w_dw, b_dw, w_pw, stride, padding, dilation), grads):
        np.testing.assert_allclose(got, g, **TOL[dtype])
    assert ds.mult_adds_ratio(256, 3) == pytest.approx(1 / 256 + 1 / 9)
