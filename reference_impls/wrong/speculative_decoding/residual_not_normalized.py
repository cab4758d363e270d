"""Wrong: the residual max(0, p - q) is returned without dividing by its sum."""

from reference_impls.torch.speculative import speculative_generate, speculative_step, verify  # noqa: F401 - as in the reference

EXPECTED_HINT = "normalize the residual"


def residual_distribution(p, q):
    return (p - q).clamp(min=0)  # the mistake: sums to 1 - sum(min(p, q)), not 1
