"""Wrong: the output size rounded up (ceil), so a last window that hangs past the padded input is kept."""

import math

import numpy as np

from reference_impls.numpy.conv2d import _pair, conv2d_backward  # noqa: F401 (entry point)

EXPECTED_HINT = "rounded up"


def output_size(h, k, stride=1, padding=0, dilation=1):
    return math.ceil((h + 2 * padding - dilation * (k - 1) - 1) / stride) + 1  # the mistake: floor (//)


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    ho, wo = output_size(h, kh, sh, ph, dh), output_size(wd, kw, sw, pw, dw)
    # pad enough on the far side for the extra window (zeros), as a learner must to avoid an IndexError
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph + sh), (pw, pw + sw)))
    out = np.zeros((n, f, ho, wo), dtype=x.dtype)
    fg = f // groups
    for g in range(groups):
        xs, ws = xp[:, g * cg : (g + 1) * cg], w[g * fg : (g + 1) * fg]
        for p in range(kh):
            for q in range(kw):
                patch = xs[:, :, p * dh : p * dh + sh * (ho - 1) + 1 : sh, q * dw : q * dw + sw * (wo - 1) + 1 : sw]
                out[:, g * fg : (g + 1) * fg] += np.einsum("nchw,fc->nfhw", patch, ws[:, :, p, q])
    return out if b is None else out + b[None, :, None, None].astype(x.dtype)
