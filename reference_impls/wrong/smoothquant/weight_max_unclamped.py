"""Wrong: max|W_j| is not clamped before the power, so a weight column of zeros gives s_j = inf."""

from reference_impls.torch.smoothquant import smooth, smooth_linear  # noqa: F401 - as in the reference

EXPECTED_HINT = "clamp max|W_j| to >= 1e-5"


def smooth_scales(act_absmax, weight, alpha=0.5):
    weight_absmax = weight.abs().amax(dim=0)  # the mistake: .clamp(min=1e-5)
    return (act_absmax.pow(alpha) / weight_absmax.pow(1 - alpha)).clamp(min=1e-5)
