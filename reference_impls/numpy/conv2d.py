"""2-D convolution (cross-correlation, as in every DL framework) with stride, padding, dilation
and groups, forward and backward, in NumPy.

    x: (N, C_in, H, W)   w: (C_out, C_in / groups, KH, KW)   b: (C_out,)
    H_out = floor((H + 2 pad - dil (KH - 1) - 1) / stride) + 1       (same for W)
    out[n, o, i, j] = b[o] + sum_{c, p, q} xpad[n, c, i s + p d, j s + q d] * w[o, c, p, q]
One (p, q) kernel offset at a time: the strided slice of xpad that offset touches is an
(N, C, H_out, W_out) array, contracted with w[:, :, p, q] by einsum. KH * KW einsums in all,
no (N, C KH KW, H_out W_out) im2col buffer. Backward per offset, by the same slices:
    dw[:, :, p, q] = sum_{n, i, j} dout[n, :, i, j] xslice[n, :, i, j]^T
    dxpad[slice] += dout contracted with w[:, :, p, q]        db = dout.sum((0, 2, 3))
A true convolution flips the kernel: conv(x, w) = correlate(x, w[:, :, ::-1, ::-1]).

Source: torch.nn.functional.conv2d's definition; CS231n "Convolutional Networks".
Limits: symmetric integer padding (no 'same'), zero padding only.
"""

import numpy as np


def _pair(v):
    return (v, v) if np.isscalar(v) else tuple(v)


def output_size(h, k, stride=1, padding=0, dilation=1):
    return (h + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def _window(xpad, p, q, size, stride, dilation):
    """The (N, C, H_out, W_out) slice of xpad that kernel offset (p, q) multiplies."""
    (ho, wo), (sh, sw), (dh, dw) = size, stride, dilation
    return xpad[:, :, p * dh : p * dh + sh * (ho - 1) + 1 : sh, q * dw : q * dw + sw * (wo - 1) + 1 : sw]


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    stride, padding, dilation = _pair(stride), _pair(padding), _pair(dilation)
    n, _, h, wd = x.shape
    co, cg, kh, kw = w.shape
    ho = output_size(h, kh, stride[0], padding[0], dilation[0])
    wo = output_size(wd, kw, stride[1], padding[1], dilation[1])
    xpad = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    out = np.zeros((n, co, ho, wo), dtype=np.result_type(x, w))
    og = co // groups  # output channels per group
    for g in range(groups):
        xg, wg = xpad[:, g * cg : (g + 1) * cg], w[g * og : (g + 1) * og]
        for p in range(kh):
            for q in range(kw):
                patch = _window(xg, p, q, (ho, wo), stride, dilation)  # (N, C/g, Ho, Wo)
                out[:, g * og : (g + 1) * og] += np.einsum("nchw,oc->nohw", patch, wg[:, :, p, q])
    if b is not None:
        out += b[None, :, None, None]
    return out


def conv2d_backward(dout, x, w, stride=1, padding=0, dilation=1, groups=1):
    """Gradients (dx, dw, db) of sum(dout * conv2d(x, w, b, ...))."""
    stride, padding, dilation = _pair(stride), _pair(padding), _pair(dilation)
    co, cg, kh, kw = w.shape
    ho, wo = dout.shape[2:]
    xpad = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    dxpad, dw = np.zeros_like(xpad), np.zeros_like(w)
    og = co // groups
    for g in range(groups):
        xg, dxg = xpad[:, g * cg : (g + 1) * cg], dxpad[:, g * cg : (g + 1) * cg]  # views
        dg = dout[:, g * og : (g + 1) * og]  # (N, O/g, Ho, Wo)
        for p in range(kh):
            for q in range(kw):
                dw[g * og : (g + 1) * og, :, p, q] = np.einsum(
                    "nohw,nchw->oc", dg, _window(xg, p, q, (ho, wo), stride, dilation)
                )
                _window(dxg, p, q, (ho, wo), stride, dilation)[...] += np.einsum(
                    "nohw,oc->nchw", dg, w[g * og : (g + 1) * og, :, p, q]
                )
    h, wd = x.shape[2:]
    dx = dxpad[:, :, padding[0] : padding[0] + h, padding[1] : padding[1] + wd]
    return dx, dw, dout.sum(axis=(0, 2, 3))
