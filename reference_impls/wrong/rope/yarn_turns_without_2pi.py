"""Wrong: YaRN's r taken as L * theta_d, the wavelength as 1 / theta_d instead of 2 pi / theta_d."""

from reference_impls.torch.rope import apply_rope, rope_frequencies, yarn_attention_scale  # noqa: F401

EXPECTED_HINT = "lambda_d = 2 pi / theta_d"


def yarn_frequencies(head_dim, base=10000.0, scale=1.0, original_max_position=2048, alpha=1.0, beta=32.0):
    theta = rope_frequencies(head_dim, base)
    r = original_max_position * theta  # the mistake: no 2 pi
    gamma = ((r - alpha) / (beta - alpha)).clamp(0.0, 1.0)
    return (1 - gamma) * theta / scale + gamma * theta
