"""Wrong: q = round((x - lo) / s), the zero point folded into one rounding: codes move by one wherever the
fractions of x / s and -lo / s add past 0.5; q = round(x / s) + round(-lo / s) is meant."""

import torch

from reference_impls.torch.quantize import (  # noqa: F401 - the learner's other entry points
    _grouped,
    _keep,
    _reduce_dims,
    dequantize,
    outlier_comparison,
    quantize_symmetric,
)

EXPECTED_HINT = "q = round(x / s) + z, with z already rounded"


def quantize_asymmetric(x, axis=None, group_size=None):
    xg = _grouped(x, group_size)
    dims = _reduce_dims(xg, axis, group_size)
    lo = xg.amin(dim=dims, keepdim=True).clamp(max=0)
    hi = xg.amax(dim=dims, keepdim=True).clamp(min=0)
    scale = (hi - lo) / 255
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    zero_point = torch.clamp(torch.round(-lo / scale), 0, 255)
    q = torch.clamp(torch.round((xg - lo) / scale), 0, 255).to(torch.uint8)  # the mistake: round(xg / scale) + z
    return q.reshape(x.shape), _keep(scale, axis, group_size), _keep(zero_point.to(torch.int64), axis, group_size)
