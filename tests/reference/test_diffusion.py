"""DDPM and DDIM: the closed form q(x_t | x_0) against iterating the one-step forward process (a
statistical test), the reverse step against the posterior mean of Eq. 7, the sampling loop on a
point-mass oracle, DDIM's reconstruction of x_0 and its equivalence with the ODE form (Eq. 13)."""

import numpy as np
import pytest
import torch
from scipy import stats

from reference_impls.torch.ddim import ddim_sample, ddim_step, ddim_timesteps
from reference_impls.torch.diffusion import (
    alphas_cumprod,
    linear_betas,
    p_sample,
    q_sample,
    q_step,
    sample,
)

T = 100
BETAS = linear_betas(T, 1e-4, 0.05)
ABAR = alphas_cumprod(BETAS)


@pytest.mark.parametrize("t", [0, 9, 49, 99])
def test_closed_form_equals_iterating_the_one_step_process(t):
    """10,000 chains of t+1 one-step transitions from a fixed x_0 (seed 0) against the closed form's
    N(sqrt(abar_t) x_0, (1 - abar_t) I): a Kolmogorov-Smirnov test per coordinate at significance
    0.01 / 4 (Bonferroni over the 4 coordinates)."""
    g = torch.Generator().manual_seed(0)
    x0 = torch.tensor([2.0, -1.0, 0.5, 0.0], dtype=torch.float64)
    x = x0.expand(10000, 4).clone()
    for s in range(t + 1):
        x = q_step(x, s, torch.randn(x.shape, generator=g, dtype=torch.float64), BETAS)
    mean, std = (ABAR[t].sqrt() * x0).numpy(), (1 - ABAR[t]).sqrt().item()
    for d in range(4):
        assert stats.kstest(x[:, d].numpy(), "norm", args=(mean[d], std)).pvalue > 0.01 / 4
    # and q_sample itself draws from that distribution
    noise = torch.randn(10000, 4, generator=g, dtype=torch.float64)
    direct = q_sample(x0.expand(10000, 4), torch.full((10000,), t), noise, ABAR)
    np.testing.assert_allclose(direct.mean(0).numpy(), mean, atol=5 * std / np.sqrt(10000))


def test_q_sample_per_example_timesteps_by_hand():
    x0, noise = torch.ones(2, 3), torch.full((2, 3), 2.0)
    abar = torch.tensor([0.81, 0.36], dtype=torch.float64)
    out = q_sample(x0, torch.tensor([0, 1]), noise, abar)
    torch.testing.assert_close(out, torch.tensor([[0.9 + 2 * 0.43588989] * 3, [0.6 + 2 * 0.8] * 3]))
    assert out.dtype == torch.float32


@pytest.mark.parametrize("t", [1, 10, 99])
def test_reverse_mean_is_the_posterior_mean_given_the_true_noise(t):
    g = torch.Generator().manual_seed(t)
    x0, eps = torch.randn(5, 3, generator=g, dtype=torch.float64), torch.randn(5, 3, generator=g, dtype=torch.float64)
    xt = ABAR[t].sqrt() * x0 + (1 - ABAR[t]).sqrt() * eps
    mean = p_sample(lambda x, s: eps, xt, t, BETAS, noise=torch.zeros_like(xt))
    beta, abar, abar_prev = BETAS[t], ABAR[t], ABAR[t - 1]
    posterior = (
        abar_prev.sqrt() * beta / (1 - abar) * x0 + (1 - beta).sqrt() * (1 - abar_prev) / (1 - abar) * xt
    )  # Eq. 7
    torch.testing.assert_close(mean, posterior, rtol=1e-10, atol=1e-12)


def test_sampling_a_point_mass_with_its_oracle_ends_exactly_there():
    c = torch.tensor([0.3, -1.2], dtype=torch.float64)
    oracle = lambda x, t: (x - ABAR[t].sqrt() * c) / (1 - ABAR[t]).sqrt()
    out = sample(oracle, (4, 2), BETAS, torch.Generator().manual_seed(0), dtype=torch.float64)
    torch.testing.assert_close(out, c.expand(4, 2), rtol=1e-9, atol=1e-9)


def test_sample_draws_its_noise_in_the_documented_order():
    eps_model = lambda x, t: torch.tanh(x) * (t + 1) / T
    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, 3, generator=g)
    for t in range(T - 1, -1, -1):
        z = torch.randn(2, 3, generator=g) if t > 0 else None
        beta, abar = BETAS[t].float(), ABAR[t].float()
        x = (x - beta / (1 - abar).sqrt() * eps_model(x, t)) / (1 - beta).sqrt() + (beta.sqrt() * z if t else 0)
    torch.testing.assert_close(sample(eps_model, (2, 3), BETAS, torch.Generator().manual_seed(3)), x)


@pytest.mark.parametrize("num_steps", [1, 10, 50, 100])
def test_ddim_reconstructs_x0_for_a_known_noise_oracle(num_steps):
    g = torch.Generator().manual_seed(num_steps)
    x0, eps = torch.randn(3, 4, generator=g, dtype=torch.float64), torch.randn(3, 4, generator=g, dtype=torch.float64)
    steps = ddim_timesteps(T, num_steps)
    x_T = ABAR[steps[0]].sqrt() * x0 + (1 - ABAR[steps[0]]).sqrt() * eps
    oracle = lambda x, t: (x - ABAR[t].sqrt() * x0) / (1 - ABAR[t]).sqrt()
    torch.testing.assert_close(ddim_sample(oracle, x_T, steps, ABAR), x0, rtol=1e-10, atol=1e-10)


def test_ddim_step_is_an_euler_step_of_the_probability_flow_ode():
    """Song et al. Eq. 13: x_prev / sqrt(abar_prev) = x_t / sqrt(abar_t) + (sigma(prev) - sigma(t)) eps,
    with sigma(t) = sqrt((1 - abar_t) / abar_t)."""
    g = torch.Generator().manual_seed(0)
    x, eps = torch.randn(6, generator=g, dtype=torch.float64), torch.randn(6, generator=g, dtype=torch.float64)
    for t, prev in [(99, 79), (50, 49), (10, 0)]:
        sig = lambda s: ((1 - ABAR[s]) / ABAR[s]).sqrt()
        want = ABAR[prev].sqrt() * (x / ABAR[t].sqrt() + (sig(prev) - sig(t)) * eps)
        torch.testing.assert_close(ddim_step(x, eps, t, prev, ABAR), want, rtol=1e-12, atol=1e-12)


def test_ddim_timesteps_by_hand():
    assert ddim_timesteps(1000, 4).tolist() == [750, 500, 250, 0]
    assert ddim_timesteps(10, 10).tolist() == list(range(9, -1, -1))
