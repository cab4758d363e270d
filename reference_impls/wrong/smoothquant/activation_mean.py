"""Wrong: the mean |x| per channel (AWQ's statistic) where SmoothQuant takes the max |x|, the range int8 covers."""

from reference_impls.torch.smoothquant import smooth, smooth_scales  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "the mean |x| is AWQ's"


def smooth_linear(x, weight, alpha=0.5):
    s = smooth_scales(x.abs().reshape(-1, x.shape[-1]).mean(dim=0), weight, alpha)  # the mistake: .amax(dim=0)
    return smooth(x, weight, s)
