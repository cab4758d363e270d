"""Wrong: an (h, w) padding pair read the other way round: padding[0] pads W and padding[1] pads H."""

import numpy as np

from reference_impls.numpy import conv2d as ref
from reference_impls.numpy.conv2d import conv2d_backward, output_size  # noqa: F401 - right

EXPECTED_HINT = "(h, w) pair"


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    ph, pw = ref._pair(padding)
    xpad = np.pad(x, ((0, 0), (0, 0), (pw, pw), (ph, ph)))  # the mistake: the pair swapped
    return ref.conv2d(xpad, w, b, stride, 0, dilation, groups)
