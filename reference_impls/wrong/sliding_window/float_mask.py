"""Wrong: the band returned as 0/1 floats instead of a boolean mask."""

from reference_impls.torch.sliding_window import sliding_window_attention  # noqa: F401 - as in the reference
from reference_impls.torch.sliding_window import sliding_window_mask as _band

EXPECTED_HINT = "where a boolean mask is expected"


def sliding_window_mask(T, window, causal=True, device=None):
    return _band(T, window, causal, device).float()  # the mistake: 1.0 / 0.0
