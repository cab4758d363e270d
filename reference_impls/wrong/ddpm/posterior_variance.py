"""Wrong for this task: sigma_t^2 = beta_tilde_t = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) * beta_t, the
posterior variance (the paper's other choice, diffusers' variance_type="fixed_small"); the task fixes
sigma_t^2 = beta_t."""

import torch

from reference_impls.torch.diffusion import alphas_cumprod, linear_betas, q_sample  # noqa: F401 - right

EXPECTED_HINT = "the posterior variance beta_tilde_t"
ALSO_APPLIES = ("part of the output is right",)


def p_sample(eps_model, x_t, t, betas, noise=None):
    abar = alphas_cumprod(betas)
    beta, ab = betas[t].to(x_t.dtype), abar[t].to(x_t.dtype)
    mean = (x_t - beta / (1 - ab).sqrt() * eps_model(x_t, t)) / (1 - beta).sqrt()
    if t == 0:
        return mean
    ab_prev = abar[t - 1].to(x_t.dtype)
    variance = (1 - ab_prev) / (1 - ab) * beta  # the mistake: the task's sigma_t^2 is beta_t
    return mean + variance.sqrt() * noise


def sample(eps_model, shape, betas, generator, dtype=torch.float32):
    x = torch.randn(shape, generator=generator, dtype=dtype)
    for t in reversed(range(len(betas))):
        z = torch.randn(shape, generator=generator, dtype=dtype) if t > 0 else None
        x = p_sample(eps_model, x, t, betas, z)
    return x
