"""Wrong: the percentile of |x|, used as a symmetric range (-q, q): wrong for an asymmetric (affine) range."""

import torch

from reference_impls.torch.static_ptq import *  # noqa: F403 - the rest as in the reference
from reference_impls.torch.static_ptq import _values

EXPECTED_HINT = "percentile was taken over |x|"


def percentile_observer(batches, percentile=99.9):
    q = torch.quantile(_values(batches).abs(), percentile / 100)  # the mistake: |x| loses which side is which
    return -q, q
