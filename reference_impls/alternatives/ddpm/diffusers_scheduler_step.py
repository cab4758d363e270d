"""Correct, in a diffusion library's style (diffusers' DDPMScheduler.step with variance_type="fixed_large",
no clipping): predict x_0 from the noise, then take the posterior mean
mu = c0 * x0_pred + ct * x_t with c0 = sqrt(alpha_bar_{t-1}) beta_t / (1 - alpha_bar_t) and
ct = sqrt(alpha_t) (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t), which equals Algorithm 2's mean; the
variance is beta_t and nothing is added at t = 0."""

import torch


class DDPMScheduler:
    def __init__(self, betas):
        self.betas = betas
        self.alphas = 1.0 - betas
        self.alphas_cumprod = torch.cumprod(self.alphas, dim=0)
        self.one = torch.tensor(1.0, dtype=betas.dtype)

    def step(self, model_output, timestep, sample, variance_noise=None):
        t = timestep
        alpha_prod_t = self.alphas_cumprod[t].to(sample.dtype)
        alpha_prod_t_prev = (self.alphas_cumprod[t - 1] if t > 0 else self.one).to(sample.dtype)
        beta_prod_t = 1 - alpha_prod_t
        beta_prod_t_prev = 1 - alpha_prod_t_prev
        current_alpha_t = alpha_prod_t / alpha_prod_t_prev
        current_beta_t = 1 - current_alpha_t

        pred_original_sample = (sample - beta_prod_t ** (0.5) * model_output) / alpha_prod_t ** (0.5)
        pred_original_sample_coeff = (alpha_prod_t_prev ** (0.5) * current_beta_t) / beta_prod_t
        current_sample_coeff = current_alpha_t ** (0.5) * beta_prod_t_prev / beta_prod_t
        pred_prev_sample = pred_original_sample_coeff * pred_original_sample + current_sample_coeff * sample

        if t > 0:
            variance = self.betas[t].to(sample.dtype)  # "fixed_large"
            pred_prev_sample = pred_prev_sample + variance ** (0.5) * variance_noise
        return pred_prev_sample


def linear_betas(T, beta_start=1e-4, beta_end=0.02):
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float64)


def alphas_cumprod(betas):
    return torch.cumprod(1.0 - betas, dim=0)


def q_sample(x0, t, noise, alphas_bar):
    sqrt_alpha_prod = alphas_bar[t].to(x0.dtype) ** 0.5
    sqrt_one_minus_alpha_prod = (1 - alphas_bar[t].to(x0.dtype)) ** 0.5
    while len(sqrt_alpha_prod.shape) < len(x0.shape):
        sqrt_alpha_prod = sqrt_alpha_prod.unsqueeze(-1)
        sqrt_one_minus_alpha_prod = sqrt_one_minus_alpha_prod.unsqueeze(-1)
    return sqrt_alpha_prod * x0 + sqrt_one_minus_alpha_prod * noise


def p_sample(eps_model, x_t, t, betas, noise=None):
    return DDPMScheduler(betas).step(eps_model(x_t, t), t, x_t, noise)


def sample(eps_model, shape, betas, generator, dtype=torch.float32):
    scheduler = DDPMScheduler(betas)
    image = torch.randn(shape, generator=generator, dtype=dtype)
    for t in reversed(range(len(betas))):
        noise = torch.randn(shape, generator=generator, dtype=dtype) if t > 0 else None
        image = scheduler.step(eps_model(image, t), t, image, noise)
    return image
