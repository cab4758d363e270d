"""Wrong: rounds with floor(x / s + 0.5), half up, where torch.round (and torch's quantizers) round half to even."""

import torch

from reference_impls.torch.quantize import (  # noqa: F401 - as in the reference
    _grouped,
    _keep,
    _reduce_dims,
    dequantize,
    quantize_asymmetric,
)

EXPECTED_HINT = "round half to even"


def quantize_symmetric(x, axis=None, group_size=None):
    xg = _grouped(x, group_size)
    amax = xg.abs().amax(dim=_reduce_dims(xg, axis, group_size), keepdim=True)
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    q = torch.clamp(torch.floor(xg / scale + 0.5), -127, 127).to(torch.int8)  # the mistake: torch.round
    return q.reshape(x.shape), _keep(scale, axis, group_size)


def outlier_comparison(w):
    q, s = quantize_symmetric(w)
    per_tensor = ((w - dequantize(q, s)) ** 2).mean()
    q, s = quantize_symmetric(w, axis=0)
    return per_tensor, ((w - dequantize(q, s)) ** 2).mean()
