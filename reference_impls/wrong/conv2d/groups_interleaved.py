"""Wrong: group g given every G-th input channel (c % G == g), not the contiguous block torch uses."""

import numpy as np

from reference_impls.numpy.conv2d import _pair, conv2d_backward, output_size  # noqa: F401 (entry points)

EXPECTED_HINT = "groups take CONTIGUOUS blocks"


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    ho, wo = output_size(h, kh, sh, ph, dh), output_size(wd, kw, sw, pw, dw)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    xg = xp.reshape(n, cg, groups, *xp.shape[2:]).swapaxes(1, 2)  # the mistake: reshape(n, groups, cg, ...)
    wg = w.reshape(groups, f // groups, cg, kh, kw)
    out = np.zeros((n, groups, f // groups, ho, wo), dtype=x.dtype)
    for p in range(kh):
        for q in range(kw):
            patch = xg[:, :, :, p * dh : p * dh + sh * (ho - 1) + 1 : sh, q * dw : q * dw + sw * (wo - 1) + 1 : sw]
            out += np.einsum("ngchw,gfc->ngfhw", patch, wg[:, :, :, p, q])
    out = out.reshape(n, f, ho, wo)
    return out if b is None else out + b[None, :, None, None].astype(x.dtype)
