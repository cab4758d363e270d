"""Wrong: the activation maxima taken without abs: a channel whose outliers are negative keeps a small (or
negative) max, and its scale misses them."""

from reference_impls.torch.smoothquant import smooth, smooth_scales  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "the activation maxima must be of |x|"


def smooth_linear(x, weight, alpha=0.5):
    s = smooth_scales(x.reshape(-1, x.shape[-1]).amax(dim=0), weight, alpha)  # the mistake: x.abs()
    return smooth(x, weight, s)
