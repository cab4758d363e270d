"""Wrong: s broadcast along weight's rows (s.view(-1, 1)), where it scales the input channels, weight's columns."""

from reference_impls.torch.smoothquant import smooth_linear, smooth_scales  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "s scales the INPUT channels"


def smooth(x, weight, s):
    return x / s, weight * s.view(-1, 1)  # the mistake: weight * s
