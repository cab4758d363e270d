"""Wrong: the squared errors summed where their mean (the MSE) is asked for."""

from reference_impls.torch.quantize import dequantize, quantize_asymmetric, quantize_symmetric  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "not their sum"


def outlier_comparison(w):
    q, s = quantize_symmetric(w)
    per_tensor = ((w - dequantize(q, s)) ** 2).sum()  # the mistake: .mean()
    q, s = quantize_symmetric(w, axis=0)
    per_channel = ((w - dequantize(q, s)) ** 2).sum()
    return per_tensor, per_channel
