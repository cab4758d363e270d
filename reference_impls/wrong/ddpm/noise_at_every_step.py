"""Wrong: adds noise at every reverse step, t = 0 included (the last step should return the mean)."""

import torch

from reference_impls.torch.diffusion import alphas_cumprod, linear_betas, q_sample  # noqa: F401 - as in the reference

EXPECTED_HINT = "noise added at t = 0"
ALSO_APPLIES = ("one too many",)


def p_sample(eps_model, x_t, t, betas, noise=None):
    beta, abar = betas[t].to(x_t.dtype), alphas_cumprod(betas)[t].to(x_t.dtype)
    mean = (x_t - beta / (1 - abar).sqrt() * eps_model(x_t, t)) / (1 - beta).sqrt()
    return mean + beta.sqrt() * noise  # the mistake: at t = 0 too


def sample(eps_model, shape, betas, generator, dtype=torch.float32):
    x = torch.randn(shape, generator=generator, dtype=dtype)
    for t in reversed(range(len(betas))):
        x = p_sample(eps_model, x, t, betas, torch.randn(shape, generator=generator, dtype=dtype))
    return x
