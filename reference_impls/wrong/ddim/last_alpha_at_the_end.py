"""Wrong: alphas_bar[t_prev] at t_prev = -1 reads the LAST entry (the noisiest), not alpha_bar = 1."""

from reference_impls.torch.ddim import ddim_timesteps  # noqa: F401 - as in the reference

EXPECTED_HINT = "is the LAST entry"


def ddim_step(x_t, eps, t, t_prev, alphas_bar):
    # the mistake: at t_prev = -1, alphas_bar[t_prev] is the LAST entry (the noisiest), not alpha_bar = 1
    abar_t, abar_prev = alphas_bar[t].to(x_t.dtype), alphas_bar[t_prev].to(x_t.dtype)
    x0_pred = (x_t - (1 - abar_t).sqrt() * eps) / abar_t.sqrt()
    return abar_prev.sqrt() * x0_pred + (1 - abar_prev).sqrt() * eps


def ddim_sample(eps_model, x_T, timesteps, alphas_bar):
    steps = [int(t) for t in timesteps]
    x = x_T
    for t, t_prev in zip(steps, steps[1:] + [-1]):
        x = ddim_step(x, eps_model(x, t), t, t_prev, alphas_bar)
    return x
