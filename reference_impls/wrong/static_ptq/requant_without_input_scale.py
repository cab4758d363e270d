"""Wrong: requantizes the int32 accumulator with s_w / s_y, forgetting that it also carries the input scale."""

import torch

from reference_impls.torch.static_ptq import *  # noqa: F403 - the rest as in the reference
from reference_impls.torch.static_ptq import int_accumulate

EXPECTED_HINT = "requantized without the input scale"


def int8_linear(x_q, x_scale, x_zero_point, w_q, w_scale, bias, out_scale, out_zero_point, qmin=0, qmax=255):
    acc = int_accumulate(x_q, x_zero_point, w_q)
    if bias is not None:
        acc = acc + torch.round(bias / w_scale).to(torch.int32)
    y = torch.round(acc.to(w_scale.dtype) * (w_scale / out_scale)) + out_zero_point  # the mistake: no x_scale
    return torch.clamp(y, qmin, qmax).to(torch.int64)
