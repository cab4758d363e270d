"""Wrong: s_j = max|X_j|^(1 - alpha) / max|W_j|^alpha, the exponents swapped."""

from reference_impls.torch.smoothquant import smooth

EXPECTED_HINT = "alpha and 1 - alpha swapped"
ALSO_APPLIES = ("part of the output is right",)


def smooth_scales(act_absmax, weight, alpha=0.5):
    weight_absmax = weight.abs().amax(dim=0).clamp(min=1e-5)
    return (act_absmax.pow(1 - alpha) / weight_absmax.pow(alpha)).clamp(min=1e-5)  # the mistake


def smooth_linear(x, weight, alpha=0.5):
    s = smooth_scales(x.abs().reshape(-1, x.shape[-1]).amax(dim=0), weight, alpha)
    return smooth(x, weight, s)
