"""Correct, in the style of a from-scratch port of Keras' SeparableConv2D / MobileNet's block: the depthwise
conv multiplies each kernel tap's strided slice by its per-channel weight with broadcasting (no groups
loop, no einsum), the pointwise 1x1 conv is a np.tensordot over the channel axis, and the backward walks
the two stages in reverse by hand. Parameter counts are written out as MobileNet's paper counts them."""

import numpy as np


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def conv_params(c_in, c_out, k, bias=True, groups=1):
    weights = k * k * (c_in // groups) * c_out
    return int(weights + (c_out if bias else 0))


def separable_params(c_in, c_out, k, bias=True):
    depthwise = k * k * c_in + (c_in if bias else 0)
    pointwise = c_in * c_out + (c_out if bias else 0)
    return int(depthwise + pointwise)


def mult_adds_ratio(c_out, k):
    # (D_K^2 M D_F^2 + M N D_F^2) / (D_K^2 M N D_F^2), MobileNet eq. 5
    return (k * k + c_out) / (k * k * c_out)


def _geometry(x, w_dw, stride, padding, dilation):
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    K1, K2 = w_dw.shape[2:]
    H, W = x.shape[2:]
    Ho = (H + 2 * ph - dh * (K1 - 1) - 1) // sh + 1
    Wo = (W + 2 * pw - dw * (K2 - 1) - 1) // sw + 1
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    taps = [
        (
            p,
            q,
            (
                slice(None),
                slice(None),
                slice(p * dh, p * dh + sh * (Ho - 1) + 1, sh),
                slice(q * dw, q * dw + sw * (Wo - 1) + 1, sw),
            ),
        )
        for p in range(K1)
        for q in range(K2)
    ]
    return xp, taps, (ph, pw, H, W)


def _depthwise(x, w_dw, b_dw, stride, padding, dilation):
    xp, taps, _ = _geometry(x, w_dw, stride, padding, dilation)
    out = 0
    for p, q, sl in taps:
        out = out + xp[sl] * w_dw[:, 0, p, q][None, :, None, None]
    return out + b_dw[None, :, None, None]


def _pointwise(h, w_pw, b_pw):
    out = np.tensordot(w_pw[:, :, 0, 0], h, axes=([1], [1]))  # (C_out, N, H', W')
    return np.moveaxis(out, 0, 1) + b_pw[None, :, None, None]


def depthwise_separable_conv(x, w_dw, b_dw, w_pw, b_pw, stride=1, padding=0, dilation=1):
    return _pointwise(_depthwise(x, w_dw, b_dw, stride, padding, dilation), w_pw, b_pw)


def depthwise_separable_backward(dout, x, w_dw, b_dw, w_pw, stride=1, padding=0, dilation=1):
    h = _depthwise(x, w_dw, b_dw, stride, padding, dilation)
    db_pw = dout.sum(axis=(0, 2, 3))
    dw_pw = np.tensordot(dout, h, axes=([0, 2, 3], [0, 2, 3]))[:, :, None, None]
    dh = np.moveaxis(np.tensordot(w_pw[:, :, 0, 0], dout, axes=([0], [1])), 0, 1)  # (N, C_in, H', W')
    xp, taps, (ph, pw, H, W) = _geometry(x, w_dw, stride, padding, dilation)
    dxp = np.zeros_like(xp)
    dw_dw = np.zeros_like(w_dw)
    for p, q, sl in taps:
        dw_dw[:, 0, p, q] = (dh * xp[sl]).sum(axis=(0, 2, 3))
        dxp[sl] += dh * w_dw[:, 0, p, q][None, :, None, None]
    dx = dxp[:, :, ph : ph + H, pw : pw + W]
    return dx, dw_dw, dh.sum(axis=(0, 2, 3)), dw_pw, db_pw
