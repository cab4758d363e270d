"""Wrong: max|W| taken per output row (amax(dim=1), d_out values) instead of per input channel."""

from reference_impls.torch.smoothquant import smooth

EXPECTED_HINT = "max|W_j| taken over the wrong dimension"
ALSO_APPLIES = ("part of the output is right",)


def smooth_scales(act_absmax, weight, alpha=0.5):
    weight_absmax = weight.abs().amax(dim=1).clamp(min=1e-5)  # the mistake: amax(dim=0), over the output rows
    return (act_absmax.pow(alpha) / weight_absmax.pow(1 - alpha)).clamp(min=1e-5)


def smooth_linear(x, weight, alpha=0.5):
    s = smooth_scales(x.abs().reshape(-1, x.shape[-1]).amax(dim=0), weight, alpha)
    return smooth(x, weight, s)
