"""Correct, in diffusers' DDIMScheduler style (eta = 0, clip_sample=False, set_alpha_to_one=True,
"leading" timestep spacing): set_timesteps builds the timesteps, step() computes the predicted original
sample and the "direction pointing to x_t", with final_alpha_cumprod = 1 after the last step."""

import torch


class DDIMScheduler:
    def __init__(self, alphas_cumprod, num_train_timesteps):
        self.alphas_cumprod = alphas_cumprod
        self.num_train_timesteps = num_train_timesteps
        self.final_alpha_cumprod = torch.tensor(1.0, dtype=alphas_cumprod.dtype)
        self.timesteps = None

    def set_timesteps(self, num_inference_steps):
        step_ratio = self.num_train_timesteps // num_inference_steps
        self.timesteps = (torch.arange(0, num_inference_steps) * step_ratio).flip(0).to(torch.int64)
        return self.timesteps

    def step(self, model_output, timestep, sample, prev_timestep):
        alpha_prod_t = self.alphas_cumprod[timestep].to(sample.dtype)
        alpha_prod_t_prev = (self.alphas_cumprod[prev_timestep] if prev_timestep >= 0 else self.final_alpha_cumprod).to(
            sample.dtype
        )
        beta_prod_t = 1 - alpha_prod_t
        pred_original_sample = (sample - beta_prod_t ** (0.5) * model_output) / alpha_prod_t ** (0.5)
        pred_epsilon = model_output
        pred_sample_direction = (1 - alpha_prod_t_prev) ** (0.5) * pred_epsilon
        return alpha_prod_t_prev ** (0.5) * pred_original_sample + pred_sample_direction


def ddim_timesteps(T, num_steps):
    return DDIMScheduler(torch.ones(T, dtype=torch.float64), T).set_timesteps(num_steps)


def ddim_step(x_t, eps, t, t_prev, alphas_bar):
    return DDIMScheduler(alphas_bar, len(alphas_bar)).step(eps, t, x_t, t_prev)


def ddim_sample(eps_model, x_T, timesteps, alphas_bar):
    scheduler = DDIMScheduler(alphas_bar, len(alphas_bar))
    ts = [int(t) for t in timesteps]
    sample = x_T
    for i, t in enumerate(ts):
        prev_t = ts[i + 1] if i + 1 < len(ts) else -1
        sample = scheduler.step(eps_model(sample, t), t, sample, prev_t)
    return sample
