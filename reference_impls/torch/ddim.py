"""DDIM: deterministic sampling (eta = 0) on a subsequence of a DDPM's timesteps.

Song, Meng, Ermon 2021, "Denoising Diffusion Implicit Models" (arXiv:2010.02502), Eq. 12 with
sigma_t = 0. With alpha_bar from the DDPM schedule (0-based t, see diffusion.py):

    x0_pred  = (x_t - sqrt(1 - alpha_bar_t) * eps_theta(x_t, t)) / sqrt(alpha_bar_t)   "predicted x_0"
    x_prev   = sqrt(alpha_bar_prev) * x0_pred + sqrt(1 - alpha_bar_prev) * eps_theta(x_t, t)
                                                                           "direction pointing to x_t"
where prev is the next timestep of the subsequence, and alpha_bar_prev = 1 after the last one, so
the final step returns x0_pred. Training is the DDPM's; only sampling changes: the same network,
10-50x fewer steps, and a deterministic map from x_T to x_0 (so x_T can be interpolated, inverted).

Why it reconstructs: if eps_theta always returns the eps with x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps
(an oracle that knows x_0), every step maps that point to sqrt(abar_prev) x_0 + sqrt(1 - abar_prev) eps,
the same x_0 and eps one step earlier; the last step gives x_0 exactly, whatever the subsequence.

Limits: eta = 0 only (no noise term sigma_t z); the "leading" even spacing of timesteps (Song et
al. Sec. D.2; diffusers' timestep_spacing="leading" without steps_offset).
"""

import torch


def ddim_timesteps(T, num_steps):
    """num_steps timesteps down to 0, starting at (num_steps - 1) * (T // num_steps) (not T - 1: 980
    for T = 1000 and 50 steps): (T // num_steps) * [num_steps-1, ..., 1, 0], int64."""
    return torch.arange(num_steps - 1, -1, -1) * (T // num_steps)  # int64, the default for ints


def ddim_step(x_t, eps, t, t_prev, alphas_bar):
    """x_t -> x_{t_prev} with eta = 0; t_prev < 0 means "after the last step" (alpha_bar = 1)."""
    abar_t = alphas_bar[t].to(x_t.dtype)
    abar_prev = alphas_bar[t_prev].to(x_t.dtype) if t_prev >= 0 else torch.ones((), dtype=x_t.dtype)
    x0_pred = (x_t - (1 - abar_t).sqrt() * eps) / abar_t.sqrt()
    return abar_prev.sqrt() * x0_pred + (1 - abar_prev).sqrt() * eps


def ddim_sample(eps_model, x_T, timesteps, alphas_bar):
    """Run ddim_step along `timesteps` (decreasing), starting from x_T; returns x_0."""
    steps = [int(t) for t in timesteps]
    x = x_T
    for t, t_prev in zip(steps, steps[1:] + [-1]):
        x = ddim_step(x, eps_model(x, t), t, t_prev, alphas_bar)
    return x
