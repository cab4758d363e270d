"""Wrong: the MSE observer searches shrinkings of [min x, max x] without first stretching it to hold 0, so
on all-positive (or all-negative) data the clipped ranges are not the ones calculate_qparams quantizes with."""

from reference_impls.torch.static_ptq import *  # noqa: F403 - the rest as in the reference
from reference_impls.torch.static_ptq import _values, calculate_qparams, dequantize, quantize

EXPECTED_HINT = "the MSE observer's range does not hold 0"


def mse_observer(batches, qmin=0, qmax=255, n_grid=100):
    v = _values(batches)
    lo, hi = v.amin(), v.amax()  # the mistake: lo = min(min, 0), hi = max(max, 0)
    best, best_err = None, None
    for k in range(1, n_grid + 1):
        a = k / n_grid
        scale, zp = calculate_qparams(lo * a, hi * a, qmin, qmax)
        err = ((dequantize(quantize(v, scale, zp, qmin, qmax), scale, zp) - v) ** 2).mean()
        if best_err is None or err < best_err:
            best, best_err = (lo * a, hi * a), err
    return best
