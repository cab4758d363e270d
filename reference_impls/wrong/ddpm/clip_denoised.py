"""Wrong for this task: the library's clip_denoised=True kept: the predicted x0 clamped to [-1, 1] before the
posterior mean, which changes every step where the prediction leaves that range."""

import torch

EXPECTED_HINT = "the predicted x0 was clipped to [-1, 1]"


def extract(a, t, x_shape):
    b, *_ = t.shape
    out = a.gather(-1, t)
    return out.reshape(b, *((1,) * (len(x_shape) - 1)))


def linear_betas(T, beta_start=1e-4, beta_end=0.02):
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float64)


def alphas_cumprod(betas):
    alphas = 1.0 - betas
    return torch.cumprod(alphas, dim=0)


def q_sample(x0, t, noise, alphas_bar):
    sqrt_alphas_cumprod = torch.sqrt(alphas_bar)
    sqrt_one_minus_alphas_cumprod = torch.sqrt(1.0 - alphas_bar)
    return (
        extract(sqrt_alphas_cumprod, t, x0.shape) * x0 + extract(sqrt_one_minus_alphas_cumprod, t, x0.shape) * noise
    ).to(x0.dtype)


def p_sample(eps_model, x_t, t, betas, noise=None):
    alphas = 1.0 - betas
    ac = torch.cumprod(alphas, dim=0)
    ac_prev = torch.cat([ac.new_ones(1), ac[:-1]])
    sqrt_recip_alphas_cumprod = torch.sqrt(1.0 / ac)
    sqrt_recipm1_alphas_cumprod = torch.sqrt(1.0 / ac - 1)
    posterior_mean_coef1 = betas * torch.sqrt(ac_prev) / (1.0 - ac)
    posterior_mean_coef2 = (1.0 - ac_prev) * torch.sqrt(alphas) / (1.0 - ac)
    b = x_t.shape[0]
    batched_times = torch.full((b,), t, dtype=torch.long)
    pred_noise = eps_model(x_t, batched_times)
    x_start = (
        extract(sqrt_recip_alphas_cumprod, batched_times, x_t.shape) * x_t
        - extract(sqrt_recipm1_alphas_cumprod, batched_times, x_t.shape) * pred_noise
    )
    x_start = x_start.clamp(-1.0, 1.0)  # the mistake: the task's mean is unclipped
    model_mean = (
        extract(posterior_mean_coef1, batched_times, x_t.shape) * x_start
        + extract(posterior_mean_coef2, batched_times, x_t.shape) * x_t
    )
    model_mean = model_mean.to(x_t.dtype)
    if t == 0:
        return model_mean
    return model_mean + extract(betas.sqrt(), batched_times, x_t.shape).to(x_t.dtype) * noise


def sample(eps_model, shape, betas, generator, dtype=torch.float32):
    img = torch.randn(shape, generator=generator, dtype=dtype)
    for t in reversed(range(0, len(betas))):
        noise = torch.randn(shape, generator=generator, dtype=dtype) if t > 0 else None
        img = p_sample(eps_model, img, t, betas, noise)
    return img
