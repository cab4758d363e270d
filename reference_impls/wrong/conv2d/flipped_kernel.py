"""Wrong: flips the kernel (a true convolution), while deep-learning conv2d is a cross-correlation."""

from reference_impls.numpy import conv2d as _ref
from reference_impls.numpy.conv2d import output_size  # noqa: F401 - right

EXPECTED_HINT = "the kernel is flipped"
ALSO_APPLIES = ("part of the output is right", "flipped along")


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    return _ref.conv2d(x, w[:, :, ::-1, ::-1], b, stride, padding, dilation, groups)


def conv2d_backward(dout, x, w, stride=1, padding=0, dilation=1, groups=1):
    dx, dw, db = _ref.conv2d_backward(dout, x, w[:, :, ::-1, ::-1], stride, padding, dilation, groups)
    return dx, dw[:, :, ::-1, ::-1], db
