"""Wrong: the symmetric scale is max|x| / 128 ("int8 has 256 codes, half of them positive")."""

import torch

from reference_impls.torch.quantize import (  # noqa: F401 - as in the reference
    _grouped,
    _keep,
    _reduce_dims,
    dequantize,
    quantize_asymmetric,
)

EXPECTED_HINT = "divided by 128"
ALSO_APPLIES = ("part of the output is right",)


def quantize_symmetric(x, axis=None, group_size=None):
    xg = _grouped(x, group_size)
    amax = xg.abs().amax(dim=_reduce_dims(xg, axis, group_size), keepdim=True)
    scale = torch.where(amax > 0, amax / 128, torch.ones_like(amax))  # the mistake: q stops at 127, so / 127
    q = torch.clamp(torch.round(xg / scale), -127, 127).to(torch.int8)
    return q.reshape(x.shape), _keep(scale, axis, group_size)


def outlier_comparison(w):
    q, s = quantize_symmetric(w)
    per_tensor = ((w - dequantize(q, s)) ** 2).mean()
    q, s = quantize_symmetric(w, axis=0)
    return per_tensor, ((w - dequantize(q, s)) ** 2).mean()
