"""Wrong: multiplies the activations by s and divides the weights by it: the outliers grow instead of shrinking."""

from reference_impls.torch.smoothquant import smooth_scales

EXPECTED_HINT = "inverted: divide the activations by s"
ALSO_APPLIES = ("part of the output is right",)


def smooth(x, weight, s):
    return x * s, weight / s  # the mistake: (x / s, weight * s)


def smooth_linear(x, weight, alpha=0.5):
    s = smooth_scales(x.abs().reshape(-1, x.shape[-1]).amax(dim=0), weight, alpha)
    return smooth(x, weight, s)
