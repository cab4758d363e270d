"""Wrong: adds noise at every reverse step, t = 0 included (the last step should return the mean)."""

import torch

EXPECTED_HINT = "noise added at t = 0"


def linear_betas(T, beta_start=1e-4, beta_end=0.02):
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float64)


def alphas_cumprod(betas):
    return torch.cumprod(1.0 - betas, dim=0)


def q_sample(x0, t, noise, alphas_bar):
    abar = alphas_bar[t].to(x0.dtype).view(-1, *([1] * (x0.dim() - 1)))
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def p_sample(eps_model, x_t, t, betas, noise=None):
    beta, abar = betas[t].to(x_t.dtype), alphas_cumprod(betas)[t].to(x_t.dtype)
    mean = (x_t - beta / (1 - abar).sqrt() * eps_model(x_t, t)) / (1 - beta).sqrt()
    return mean + beta.sqrt() * noise


def sample(eps_model, shape, betas, generator, dtype=torch.float32):
    x = torch.randn(shape, generator=generator, dtype=dtype)
    for t in reversed(range(len(betas))):
        x = p_sample(eps_model, x, t, betas, torch.randn(shape, generator=generator, dtype=dtype))
    return x
