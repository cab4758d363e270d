"""Wrong: the sampling loop runs t = 0 .. T-1 (range(T)), denoising from the least noisy step first; the
reverse process starts at t = T-1."""

import torch

from reference_impls.torch.diffusion import alphas_cumprod, linear_betas, p_sample, q_sample  # noqa: F401 - right

EXPECTED_HINT = "from t = T-1 down to 0"


def sample(eps_model, shape, betas, generator, dtype=torch.float32):
    x = torch.randn(shape, generator=generator, dtype=dtype)
    for t in range(len(betas)):  # the mistake: reversed(range(T))
        z = torch.randn(shape, generator=generator, dtype=dtype) if t > 0 else None
        x = p_sample(eps_model, x, t, betas, z)
    return x
