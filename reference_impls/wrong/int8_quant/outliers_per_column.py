"""Wrong: the per-channel MSE with one scale per column (axis=1) of the weight, where a channel is a row."""

from reference_impls.torch.quantize import dequantize, quantize_asymmetric, quantize_symmetric  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "one scale per ROW of w"


def outlier_comparison(w):
    q, s = quantize_symmetric(w)
    per_tensor = ((w - dequantize(q, s)) ** 2).mean()
    q, s = quantize_symmetric(w, axis=1)  # the mistake: axis=0
    per_channel = ((w - dequantize(q, s)) ** 2).mean()
    return per_tensor, per_channel
