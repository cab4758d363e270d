"""Wrong: the padding is cropped from dx with xpad[:, :, pad:-pad, pad:-pad], which is empty when pad is 0."""

import numpy as np

from reference_impls.numpy.conv2d import _pair, _window, conv2d, output_size  # noqa: F401 - right

EXPECTED_HINT = "dx is empty along a spatial axis"


def conv2d_backward(dout, x, w, stride=1, padding=0, dilation=1, groups=1):
    stride, padding, dilation = _pair(stride), _pair(padding), _pair(dilation)
    co, cg, kh, kw = w.shape
    ho, wo = dout.shape[2:]
    xpad = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    dxpad, dw = np.zeros_like(xpad), np.zeros_like(w)
    og = co // groups
    for g in range(groups):
        xg, dxg = xpad[:, g * cg : (g + 1) * cg], dxpad[:, g * cg : (g + 1) * cg]
        dg = dout[:, g * og : (g + 1) * og]
        for p in range(kh):
            for q in range(kw):
                dw[g * og : (g + 1) * og, :, p, q] = np.einsum(
                    "nohw,nchw->oc", dg, _window(xg, p, q, (ho, wo), stride, dilation)
                )
                _window(dxg, p, q, (ho, wo), stride, dilation)[...] += np.einsum(
                    "nohw,oc->nchw", dg, w[g * og : (g + 1) * og, :, p, q]
                )
    ph, pw = padding
    dx = dxpad[:, :, ph:-ph, pw:-pw]  # the mistake: empty when the padding is 0
    return dx, dw, dout.sum(axis=(0, 2, 3))
