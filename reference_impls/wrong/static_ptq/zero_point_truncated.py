"""Wrong: the zero point converted to an integer by truncation (int() / .to(int64)), not rounded."""

import torch

from reference_impls.torch.static_ptq import *  # noqa: F403 - the rest as in the reference
from reference_impls.torch.static_ptq import EPS

EXPECTED_HINT = "zero point was truncated or left unrounded"
ALSO_APPLIES = ("part of the output is right",)


def calculate_qparams(min_val, max_val, qmin=0, qmax=255, symmetric=False):
    lo, hi = torch.clamp(min_val, max=0), torch.clamp(max_val, min=0)
    if symmetric:
        scale = torch.clamp(torch.maximum(-lo, hi) / ((qmax - qmin) / 2), min=EPS)
        return scale, torch.full_like(scale, 0 if qmin < 0 else 128, dtype=torch.int64)
    scale = torch.clamp((hi - lo) / (qmax - qmin), min=EPS)
    zero_point = torch.clamp(qmin - lo / scale, qmin, qmax).to(torch.int64)  # the mistake: truncates toward 0
    return scale, zero_point
