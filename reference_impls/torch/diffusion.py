"""DDPM: the forward noising process, its closed form, and the reverse (ancestral) sampling loop.

Ho, Jain, Abbeel 2020, "Denoising Diffusion Probabilistic Models" (arXiv:2006.11239). Timesteps
here are 0-based, t = 0 .. T-1 (the paper's t = 1 .. T). With a variance schedule beta_t,
alpha_t = 1 - beta_t and alpha_bar_t = prod_{s <= t} alpha_s:

    forward, one step   q(x_t | x_{t-1}) = N(sqrt(alpha_t) x_{t-1}, beta_t I)                 (Eq. 2)
    closed form         q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I)           (Eq. 4)
                        x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps,  eps ~ N(0, I)
    reverse step        x_{t-1} = (x_t - beta_t / sqrt(1 - alpha_bar_t) * eps_theta(x_t, t)) / sqrt(alpha_t)
                                  + sigma_t z,   sigma_t^2 = beta_t,   z ~ N(0, I), z = 0 at t = 0   (Algorithm 2)

The closed form is what makes training cheap (noise any x_0 to any t in one go); iterating the one-step
process gives the same distribution (tests/reference/test_diffusion.py checks it statistically). The
network eps_theta predicts the noise; training minimizes ||eps - eps_theta(x_t, t)||^2 (Eq. 14).

Limits: the linear schedule of the paper (beta 1e-4 .. 0.02); sigma_t^2 = beta_t (the paper's other
choice, the posterior variance beta_tilde_t, is as good); no network here: eps_model is any function.
"""

import torch


def linear_betas(T, beta_start=1e-4, beta_end=0.02):
    """The paper's schedule: T betas evenly spaced from beta_start to beta_end (float64)."""
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float64)


def alphas_cumprod(betas):
    """alpha_bar_t = prod_{s <= t} (1 - beta_s)."""
    return torch.cumprod(1.0 - betas, dim=0)


def q_sample(x0, t, noise, alphas_bar):
    """x_t ~ q(x_t | x_0) for a batch: x0 (B, ...), t (B,) int64, noise like x0 -> like x0."""
    abar = alphas_bar[t].to(x0.dtype).view(-1, *([1] * (x0.dim() - 1)))  # (B, 1, ...): broadcasts per sample
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def q_step(x_prev, t, noise, betas):
    """One forward step x_{t-1} -> x_t (t an int, for the whole batch)."""
    beta = betas[t].to(x_prev.dtype)
    return (1 - beta).sqrt() * x_prev + beta.sqrt() * noise


def p_sample(eps_model, x_t, t, betas, noise=None):
    """One reverse step x_t -> x_{t-1} (t an int); `noise` is z, ignored at t = 0."""
    alphas_bar = alphas_cumprod(betas)
    beta, abar = betas[t].to(x_t.dtype), alphas_bar[t].to(x_t.dtype)
    eps = eps_model(x_t, t)
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    if t == 0:
        return mean  # the last step adds no noise
    return mean + beta.sqrt() * noise


def sample(eps_model, shape, betas, generator, dtype=torch.float32):
    """Algorithm 2: x_T ~ N(0, I), then t = T-1 .. 0. Draws x_T first, then one z per step t > 0,
    all from `generator`, in that order."""
    x = torch.randn(shape, generator=generator, dtype=dtype)
    for t in reversed(range(len(betas))):
        z = torch.randn(shape, generator=generator, dtype=dtype) if t > 0 else None
        x = p_sample(eps_model, x, t, betas, z)
    return x
