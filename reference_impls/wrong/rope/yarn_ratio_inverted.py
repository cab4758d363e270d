"""Wrong: YaRN's r as lambda_d / L (the wavelength over the context) instead of L / lambda_d (turns)."""

import math

from reference_impls.torch.rope import apply_rope, rope_frequencies, yarn_attention_scale  # noqa: F401

EXPECTED_HINT = "r = L / lambda_d, the number of turns"


def yarn_frequencies(head_dim, base=10000.0, scale=1.0, original_max_position=2048, alpha=1.0, beta=32.0):
    theta = rope_frequencies(head_dim, base)
    r = (2 * math.pi / theta) / original_max_position  # the mistake: lambda_d / L
    gamma = ((r - alpha) / (beta - alpha)).clamp(0.0, 1.0)
    return (1 - gamma) * theta / scale + gamma * theta
