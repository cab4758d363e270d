"""Wrong: as_strided windows whose start strides leave out the conv stride: windows one pixel apart."""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from reference_impls.numpy.conv2d import _pair, conv2d_backward, output_size  # noqa: F401 (entry points)

EXPECTED_HINT = "the windows start one pixel apart"


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    ho, wo = output_size(h, kh, sh, ph, dh), output_size(wd, kw, sw, pw, dw)
    xp = np.ascontiguousarray(np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))))
    s0, s1, s2, s3 = xp.strides
    # the mistake: the window starts step s2 * sh, s3 * sw
    cols = as_strided(xp, (n, c, ho, wo, kh, kw), (s0, s1, s2, s3, s2 * dh, s3 * dw), writeable=False)
    cols = cols.reshape(n, groups, cg, ho, wo, kh, kw)
    out = np.einsum("ngchwpq,gfcpq->ngfhw", cols, w.reshape(groups, f // groups, cg, kh, kw)).reshape(n, f, ho, wo)
    return (out if b is None else out + b[None, :, None, None]).astype(x.dtype)
