"""Wrong: off by one timestep: the eps coefficient uses alpha_bar_{t-1} (the paper's 1-based index read as
0-based) instead of alpha_bar_t: beta_t / sqrt(1 - alpha_bar_{t-1})."""

import torch

from reference_impls.torch.diffusion import alphas_cumprod, linear_betas, q_sample  # noqa: F401 - right

EXPECTED_HINT = "alpha_bar of the same step t"
ALSO_APPLIES = ("part of the output is right",)


def p_sample(eps_model, x_t, t, betas, noise=None):
    abar = alphas_cumprod(betas)
    beta = betas[t].to(x_t.dtype)
    ab = abar[t - 1].to(x_t.dtype)  # the mistake: abar[t] (and at t = 0, abar[-1] is the LAST step's)
    mean = (x_t - beta / (1 - ab).sqrt() * eps_model(x_t, t)) / (1 - beta).sqrt()
    return mean if t == 0 else mean + beta.sqrt() * noise


def sample(eps_model, shape, betas, generator, dtype=torch.float32):
    x = torch.randn(shape, generator=generator, dtype=dtype)
    for t in reversed(range(len(betas))):
        z = torch.randn(shape, generator=generator, dtype=dtype) if t > 0 else None
        x = p_sample(eps_model, x, t, betas, z)
    return x
