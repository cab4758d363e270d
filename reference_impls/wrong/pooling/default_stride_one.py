"""Wrong: stride=None taken as 1 (overlapping windows) instead of the kernel size."""

from reference_impls.numpy import pooling as _ref
from reference_impls.numpy.pooling import global_avg_pool2d, global_avg_pool2d_backward  # noqa: F401 - right

EXPECTED_HINT = "stride=None means stride = kernel"


def max_pool2d(x, kernel, stride=None, padding=0):
    return _ref.max_pool2d(x, kernel, 1 if stride is None else stride, padding)


def max_pool2d_backward(dout, x, kernel, stride=None, padding=0):
    return _ref.max_pool2d_backward(dout, x, kernel, 1 if stride is None else stride, padding)


def avg_pool2d(x, kernel, stride=None, padding=0):
    return _ref.avg_pool2d(x, kernel, 1 if stride is None else stride, padding)


def avg_pool2d_backward(dout, x, kernel, stride=None, padding=0):
    return _ref.avg_pool2d_backward(dout, x, kernel, 1 if stride is None else stride, padding)
