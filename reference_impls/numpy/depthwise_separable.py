"""Depthwise-separable convolution (MobileNet, Howard et al. 2017, arXiv:1704.04861) and
parameter counts, in NumPy.

    depthwise: one KxK filter per input channel (conv2d with groups = C_in)   (N, C_in, H', W')
    pointwise: a 1x1 conv mixing channels, C_in -> C_out                       (N, C_out, H', W')
Parameters (with biases):
    standard conv:        C_in * C_out * K^2 + C_out
    depthwise separable:  C_in * K^2 + C_in  +  C_in * C_out + C_out
Multiply-adds per output position: C_in C_out K^2 against C_in K^2 + C_in C_out, a ratio of
1 / C_out + 1 / K^2: about 8-9x fewer for K = 3.

Source: torch.nn.Conv2d(groups=C_in) followed by a 1x1 Conv2d. Limits: as conv2d.py.
"""

from reference_impls.numpy.conv2d import conv2d, conv2d_backward


def conv_params(c_in, c_out, k, bias=True, groups=1):
    return c_out * (c_in // groups) * k * k + (c_out if bias else 0)


def separable_params(c_in, c_out, k, bias=True):
    return conv_params(c_in, c_in, k, bias, groups=c_in) + conv_params(c_in, c_out, 1, bias)


def mult_adds_ratio(c_out, k):
    """Separable / standard multiply-adds per output position."""
    return 1 / c_out + 1 / k**2


def depthwise_separable_conv(x, w_dw, b_dw, w_pw, b_pw, stride=1, padding=0, dilation=1):
    """w_dw: (C_in, 1, K, K), w_pw: (C_out, C_in, 1, 1)."""
    h = conv2d(x, w_dw, b_dw, stride, padding, dilation, groups=x.shape[1])  # (N, C_in, H', W')
    return conv2d(h, w_pw, b_pw)  # (N, C_out, H', W')


def depthwise_separable_backward(dout, x, w_dw, b_dw, w_pw, stride=1, padding=0, dilation=1):
    """Returns (dx, dw_dw, db_dw, dw_pw, db_pw)."""
    h = conv2d(x, w_dw, b_dw, stride, padding, dilation, groups=x.shape[1])
    dh, dw_pw, db_pw = conv2d_backward(dout, h, w_pw)
    dx, dw_dw, db_dw = conv2d_backward(dh, x, w_dw, stride, padding, dilation, groups=x.shape[1])
    return dx, dw_dw, db_dw, dw_pw, db_pw
