"""Wrong: the stride is applied to the pointwise 1x1 conv as well as to the depthwise one, so a stride-2
block downsamples twice."""

from reference_impls.numpy.conv2d import conv2d, conv2d_backward
from reference_impls.numpy.depthwise_separable import conv_params, mult_adds_ratio, separable_params  # noqa: F401

EXPECTED_HINT = "stride, padding and dilation belong to the depthwise conv"


def depthwise_separable_conv(x, w_dw, b_dw, w_pw, b_pw, stride=1, padding=0, dilation=1):
    h = conv2d(x, w_dw, b_dw, stride, padding, dilation, groups=x.shape[1])
    return conv2d(h, w_pw, b_pw, stride)  # the mistake: the 1x1 conv takes stride 1


def depthwise_separable_backward(dout, x, w_dw, b_dw, w_pw, stride=1, padding=0, dilation=1):
    h = conv2d(x, w_dw, b_dw, stride, padding, dilation, groups=x.shape[1])
    dh, dw_pw, db_pw = conv2d_backward(dout, h, w_pw, stride)
    dx, dw_dw, db_dw = conv2d_backward(dh, x, w_dw, stride, padding, dilation, groups=x.shape[1])
    return dx, dw_dw, db_dw, dw_pw, db_pw
