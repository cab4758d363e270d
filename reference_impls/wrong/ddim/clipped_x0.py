"""Wrong: clips the predicted x0 to [-1, 1] (diffusers' clip_sample=True default for images); the task's
DDIM step uses the prediction as it is."""

import torch

from reference_impls.torch.ddim import ddim_timesteps  # noqa: F401 - right

EXPECTED_HINT = "x0_pred is not clipped"


def ddim_step(x_t, eps, t, t_prev, alphas_bar):
    abar_t = alphas_bar[t].to(x_t.dtype)
    abar_prev = alphas_bar[t_prev].to(x_t.dtype) if t_prev >= 0 else torch.ones((), dtype=x_t.dtype)
    x0_pred = ((x_t - (1 - abar_t).sqrt() * eps) / abar_t.sqrt()).clamp(-1, 1)  # the mistake: no clamp
    return abar_prev.sqrt() * x0_pred + (1 - abar_prev).sqrt() * eps


def ddim_sample(eps_model, x_T, timesteps, alphas_bar):
    steps = [int(t) for t in timesteps]
    x = x_T
    for t, t_prev in zip(steps, steps[1:] + [-1]):
        x = ddim_step(x, eps_model(x, t), t, t_prev, alphas_bar)
    return x
