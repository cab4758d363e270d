"""Wrong: the signed symmetric scale as max|x| / 127 (the LLM int8 habit), where torch.ao divides by
(qmax - qmin) / 2 = 127.5 for [-128, 127]."""

import torch

from reference_impls.torch.static_ptq import (  # noqa: F401 - the learner's other entry points
    _values,
    dequantize,
    dynamic_int8_linear,
    int8_linear,
    int_accumulate,
    minmax_observer,
    model_size_bytes,
    moving_average_observer,
    mse_observer,
    percentile_observer,
    ptq_mlp,
    quantize,
)

EPS = torch.finfo(torch.float32).eps


EXPECTED_HINT = "not by 127"


def calculate_qparams(min_val, max_val, qmin=0, qmax=255, symmetric=False):
    """-> (scale in min_val's dtype, zero_point int64), per tensor or per channel (shaped like min_val)."""
    lo = torch.clamp(min_val, max=0)  # the range holds 0: zero padding and ReLU zeros stay exact
    hi = torch.clamp(max_val, min=0)
    if symmetric:
        scale = (
            torch.maximum(-lo, hi) / (qmax - qmin) * 2 if qmin >= 0 else torch.maximum(-lo, hi) / qmax
        )  # the mistake: / ((qmax - qmin) / 2)
        scale = torch.clamp(scale, min=EPS)
        zero_point = torch.full_like(scale, 0 if qmin < 0 else (qmin + qmax + 1) // 2, dtype=torch.int64)
        return scale, zero_point
    scale = torch.clamp((hi - lo) / (qmax - qmin), min=EPS)
    zero_point = torch.clamp(qmin - torch.round(lo / scale), qmin, qmax).to(torch.int64)
    return scale, zero_point
