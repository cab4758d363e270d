"""Wrong: scale=None falls back to 1 (Luong's plain dot product) instead of 1 / sqrt(D)."""

from reference_impls.numpy import attention as _ref
from reference_impls.numpy.attention import additive_attention  # noqa: F401 - right

EXPECTED_HINT = "scale missing"


def dot_product_attention(q, k, v, mask=None, scale=None):
    return _ref.dot_product_attention(q, k, v, mask, 1.0 if scale is None else scale)  # the mistake: 1 / sqrt(D)
