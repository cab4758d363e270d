"""Wrong: q - zero_point in q's uint8: the codes below the zero point wrap around (3 - 5 = 254) before the
scale multiplies them."""

from reference_impls.torch.quantize import _grouped, outlier_comparison, quantize_asymmetric, quantize_symmetric  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "computed in uint8 wraps around"


def dequantize(q, scale, zero_point=None, group_size=None):
    if group_size is not None:
        scale = scale.unsqueeze(-1)
        zero_point = zero_point.unsqueeze(-1) if zero_point is not None else None
    qg = _grouped(q, group_size)
    if zero_point is not None:
        qg = qg - zero_point.to(q.dtype)  # the mistake: both to scale.dtype first
    return (qg * scale).reshape(q.shape)
