"""Wrong: the percentiles read off the sorted values at index int(q * (n - 1)), without torch.quantile's
linear interpolation between the two nearest ranks."""

import torch

from reference_impls.torch.static_ptq import (  # noqa: F401 - the learner's other entry points
    _values,
    calculate_qparams,
    dequantize,
    dynamic_int8_linear,
    int8_linear,
    int_accumulate,
    minmax_observer,
    model_size_bytes,
    moving_average_observer,
    mse_observer,
    ptq_mlp,
    quantize,
)

EXPECTED_HINT = "torch.quantile interpolates linearly"


def percentile_observer(batches, percentile=99.9):
    v = torch.sort(_values(batches)).values
    n = v.numel()
    return v[int((1 - percentile / 100) * (n - 1))], v[int(percentile / 100 * (n - 1))]  # the mistake: torch.quantile
