"""SmoothQuant: the product is unchanged, the activation outliers shrink, alpha = 0.5 balances the two
maxima exactly, and per-tensor W8A8 error falls after smoothing."""

import itertools

import torch

from reference_impls.torch.quantize import dequantize, quantize_symmetric
from reference_impls.torch.smoothquant import (
    outlier_ratio,
    smooth,
    smooth_linear,
    smooth_scales,
)


def _case(seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(64, 32, generator=g, dtype=torch.float64)
    x[:, [3, 17]] *= 60  # two outlier channels, in every token (as in LLMs)
    w = torch.randn(16, 32, generator=g, dtype=torch.float64) * 0.1
    return x, w


def test_product_unchanged_and_outliers_shrink_more_as_alpha_grows():
    x, w = _case()
    ratios = [outlier_ratio(x)]
    for alpha in (0.25, 0.5, 0.75, 0.9):
        xs, ws = smooth_linear(x, w, alpha)
        torch.testing.assert_close(xs @ ws.T, x @ w.T, rtol=1e-12, atol=1e-12)
        ratios.append(outlier_ratio(xs))
    assert all(a > b for a, b in itertools.pairwise(ratios))
    assert ratios[2] < ratios[0] / 5  # alpha 0.5: the outlier channels lose most of their lead


def test_alpha_half_balances_the_maxima():
    x, w = _case(1)
    s = smooth_scales(x.abs().amax(0), w, 0.5)
    xs, ws = smooth(x, w, s)
    torch.testing.assert_close(xs.abs().amax(0), ws.abs().amax(0), rtol=1e-12, atol=0)
    torch.testing.assert_close(s, (x.abs().amax(0) / w.abs().amax(0)).sqrt())


def test_w8a8_error_falls_after_smoothing():
    x, w = _case(2)

    def w8a8(x, w):
        qx, sx = quantize_symmetric(x)  # activations: per tensor (dynamic)
        qw, sw = quantize_symmetric(w, axis=0)  # weights: per output channel
        return dequantize(qx, sx) @ dequantize(qw, sw).T

    ref = x @ w.T
    plain = (w8a8(x, w) - ref).norm()
    smoothed = (w8a8(*smooth_linear(x, w, 0.5)) - ref).norm()
    assert smoothed < plain / 2
