"""Wrong: the bias is -m |i - j| (the form some encoder ports use): the same under the causal mask, but
alibi_bias is m * (j - i) everywhere, positive above the diagonal."""

from reference_impls.torch.alibi import alibi_attention, alibi_slopes  # noqa: F401 - the rest is right
from reference_impls.torch.alibi import alibi_bias as _alibi_bias

EXPECTED_HINT = "a symmetric -m |i - j| bias"


def alibi_bias(n_heads, T, dtype=None):
    import torch

    bias = _alibi_bias(n_heads, T, dtype if dtype is not None else torch.float32)
    return -bias.abs()  # the mistake: m * (j - i) keeps its sign above the diagonal
