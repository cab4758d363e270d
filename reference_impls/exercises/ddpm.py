"""Exercise: DDPM: the noise schedule, forward noising in closed form, the reverse step and the sampling loop."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._torch_io import call_torch, to_numpy


def eps_model(x, t):
    """A stand-in for the network eps_theta(x_t, t): smooth, depends on both (no training here). t is an int or,
    as a network takes it, a (B,) tensor of one timestep per example (denoising-diffusion-pytorch's
    torch.full((b,), t)): each example's t goes with its row."""
    import torch

    if isinstance(t, torch.Tensor) and t.dim() == 1 and x.dim() >= 1 and t.numel() == x.shape[0]:
        t = t.to(x.dtype).view(-1, *([1] * (x.dim() - 1)))
    return torch.tanh(x) * 0.5 + 0.01 * t


def _betas(T, dtype="float64"):
    return np.linspace(1e-4, 0.05, T).astype(dtype)


def _alphas_bar(T):
    return np.cumprod(1 - _betas(T))


def _schedule(impl, T, beta_start=1e-4, beta_end=0.02):
    betas = impl.linear_betas(T, beta_start, beta_end)
    return {"betas": to_numpy(betas), "alphas_bar": to_numpy(impl.alphas_cumprod(betas))}


def schedule_cases():
    yield Case("T_1000", (1000,), note="the paper's: beta from 1e-4 to 0.02 over 1000 steps")
    yield Case(
        "T_10_wide", (10,), {"beta_start": 0.01, "beta_end": 0.5}, note="alpha_bar is the running product of 1 - beta"
    )
    yield Case("T_1", (1,), {"beta_start": 0.3, "beta_end": 0.3}, note="a single step")


def q_cases():
    for k, (shape, dtype) in enumerate([((4, 3, 2, 2), "float32"), ((5, 7), "float64"), ((1, 6), "float32")]):
        rng = np.random.default_rng(900 + k)
        T = 50
        t = rng.integers(0, T, shape[0]).astype(np.int64)
        t[0] = 0
        t[-1] = T - 1
        yield Case(
            f"batch_{'x'.join(map(str, shape))}_{dtype}",
            (rng.standard_normal(shape).astype(dtype), t, rng.standard_normal(shape).astype(dtype), _alphas_bar(T)),
            seed=900 + k,
            note="one timestep per example (t = 0 and T - 1 among them): alpha_bar[t] broadcast per row",
        )


def _p(impl, x_t, t, betas, noise):
    import torch

    out = impl.p_sample(
        eps_model, torch.from_numpy(x_t), t, torch.from_numpy(betas), None if noise is None else torch.from_numpy(noise)
    )
    return to_numpy(out)


def p_cases():
    rng = np.random.default_rng(950)
    for t, dtype in [(30, "float32"), (1, "float64"), (49, "float64"), (0, "float32")]:
        x = rng.standard_normal((3, 4)).astype(dtype)
        noise = rng.standard_normal((3, 4)).astype(dtype)
        yield Case(
            f"t_{t}_{dtype}",
            (x, t, _betas(50), noise),
            seed=950,
            note="t = 0 is the last step: return the mean, add no noise" if t == 0 else "",
        )


def _sample(impl, shape, T, seed, dtype="float32"):
    import torch

    generator = torch.Generator().manual_seed(seed)
    out = impl.sample(eps_model, shape, torch.from_numpy(_betas(T)), generator, getattr(torch, dtype))
    # the generator's next draw: x_T and one z per step t > 0 were taken from it, nothing more (none at t = 0)
    return {"x0": to_numpy(out), "next_draw": to_numpy(torch.randn(2, generator=generator, dtype=torch.float64))}


def sample_cases():
    yield Case("T_20", ((2, 3), 20, 960), seed=960, note="x_T first, then one z per step t > 0, all from the generator")
    yield Case("T_5_float64", ((4,), 5, 961, "float64"), seed=961)
    yield Case("T_1", ((2, 2), 1, 962), seed=962, note="a single step: x_T, then the mean, no z drawn")


# -- known mistakes ---------------------------------------------------------------------------------


def _p_variant(noise_at_0=False, sigma_beta=False, alpha_bar_divisor=False, alpha_coef=False):
    def p_sample(eps_model, x_t, t, betas, noise=None):
        import torch

        abar = torch.cumprod(1 - betas, 0)
        beta, ab = betas[t].to(x_t.dtype), abar[t].to(x_t.dtype)
        eps = eps_model(x_t, t)
        coef = beta / (1 - (1 - beta if alpha_coef else ab)).sqrt()
        mean = (x_t - coef * eps) / (ab if alpha_bar_divisor else 1 - beta).sqrt()
        if t == 0 and not noise_at_0:
            return mean
        if noise is None:
            noise = torch.zeros_like(x_t)
        return mean + (beta if sigma_beta else beta.sqrt()) * noise

    return p_sample


def _p_clipped(eps_model, x_t, t, betas, noise=None):
    """denoising-diffusion-pytorch's clip_denoised: x0 predicted from eps, clamped to [-1, 1], then the posterior
    mean from it (equal to the task's mean wherever the clamp does not bind), sigma_t^2 = beta_t."""
    import torch

    abar = torch.cumprod(1 - betas, 0)
    abar_prev = torch.cat([abar.new_ones(1), abar[:-1]])
    beta, ab, ab_prev = (v[t].double() for v in (betas, abar, abar_prev))  # the schedule's float64, as the library
    x = x_t.double()
    x0 = ((x - (1 - ab).sqrt() * eps_model(x_t, t).double()) / ab.sqrt()).clamp(-1.0, 1.0)
    mean = (beta * ab_prev.sqrt() / (1 - ab) * x0 + (1 - ab_prev) * (1 - beta).sqrt() / (1 - ab) * x).to(x_t.dtype)
    if t == 0 or noise is None:
        return mean
    return mean + beta.sqrt().to(x_t.dtype) * noise


def _sample_clipped(eps_model, shape, betas, generator, dtype=None):
    import torch

    x = torch.randn(shape, generator=generator, dtype=dtype)
    for t in reversed(range(len(betas))):
        z = torch.randn(shape, generator=generator, dtype=dtype) if t > 0 else None
        x = _p_clipped(eps_model, x, t, betas, z)
    return x


def _q_no_sqrt(x0, t, noise, alphas_bar):
    abar = alphas_bar[t].to(x0.dtype).view(-1, *([1] * (x0.dim() - 1)))
    return abar * x0 + (1 - abar) * noise


def _q_alphas(x0, t, noise, alphas_bar):
    import torch

    betas = 1 - torch.cat([alphas_bar[:1], alphas_bar[1:] / alphas_bar[:-1]])  # back to the betas
    a = (1 - betas)[t].to(x0.dtype).view(-1, *([1] * (x0.dim() - 1)))
    return a.sqrt() * x0 + (1 - a).sqrt() * noise


EXERCISE = Exercise.of(
    info("ddpm"),
    preamble="import torch\n",
    task="""Denoising diffusion (Ho et al. 2020), with 0-based timesteps t = 0 .. T-1.

1. `linear_betas(T, beta_start, beta_end)`: T evenly spaced betas (float64); `alphas_cumprod(betas)`:
   alpha_bar_t = prod_{s<=t} (1 - beta_s).
2. `q_sample(x0, t, noise, alphas_bar)`: x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) noise,
   with one t per example (t has shape (B,)); out in x0's dtype. This closed form of q(x_t | x_0) is
   what makes training cheap: any x0 to any t in one go (the reference's test checks it against
   iterating the one-step process, statistically).
3. `p_sample(eps_model, x_t, t, betas, noise)`: one reverse step (Algorithm 2) for an int t:
   mean = (x_t - beta_t / sqrt(1 - alpha_bar_t) * eps_model(x_t, t)) / sqrt(1 - beta_t);
   return mean + sqrt(beta_t) * noise, but just the mean at t = 0. No clipping: computed through a
   predicted x0, the mean is the same only if x0 is not clamped to [-1, 1].
4. `sample(eps_model, shape, betas, generator, dtype)`: x = torch.randn(shape, generator=generator,
   dtype=dtype), then for t = T-1 down to 0: z = torch.randn(same) if t > 0 (no draw at t = 0), x = p_sample(...).
   Draw in exactly that order, so the check can replay your random numbers.

eps_model(x, t) stands for the trained network; the check passes a fixed function, which takes t as an
int or as a (B,) tensor of timesteps, one per example, as a network does.""",
    entry_points=(
        EntryPoint(
            "linear_betas", "(T, beta_start=1e-4, beta_end=0.02)", "T betas from beta_start to beta_end, float64."
        ),
        EntryPoint("alphas_cumprod", "(betas)", "alpha_bar_t = prod_{s <= t} (1 - beta_s)."),
        EntryPoint(
            "q_sample",
            "(x0, t, noise, alphas_bar)",
            "x_t for a batch: x0 (B, ...), t (B,) int64, noise like x0 -> like x0 (x0's dtype).",
        ),
        EntryPoint(
            "p_sample", "(eps_model, x_t, t, betas, noise=None)", "One reverse step x_t -> x_{t-1} for an int t."
        ),
        EntryPoint(
            "sample",
            "(eps_model, shape, betas, generator, dtype=torch.float32)",
            "The full reverse loop from x_T ~ N(0, I); returns x_0.",
        ),
    ),
    checks=(
        Check(
            "schedule",
            "linear_betas",
            schedule_cases,
            call=_schedule,
            description="T = 1000 (the paper's), 10 with wide betas, 1: betas and alpha_bar",
        ),
        Check(
            "q_sample",
            "q_sample",
            q_cases,
            call=call_torch("q_sample"),
            description="(4, 3, 2, 2), (5, 7), (1, 6), float32/64, one t per example incl. 0 and T-1",
        ),
        Check("p_sample", "p_sample", p_cases, call=_p, description="t = 30, 1, 49 and 0 (no noise), float32/64"),
        Check(
            "sample",
            "sample",
            sample_cases,
            call=_sample,
            # 20 float32 steps: an equivalent form of the mean (x0 prediction + posterior coefficients) rounds
            # differently, ~1e-5 relative by the end
            tolerance={"float32": (1e-4, 1e-5)},
            description="T = 20, 5 (float64) and 1, seeded generator",
        ),
    ),
    probes=(
        Probe(
            "square roots missing in the closed form: x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) noise "
            "(the variances, not the scales, add to 1)",
            impl={"q_sample": _q_no_sqrt},
        ),
        Probe(
            "alpha_t used where alpha_bar_t belongs: noising to step t in one go needs the cumulative product",
            impl={"q_sample": _q_alphas},
        ),
        Probe(
            "noise added at t = 0: the last step returns the mean (z = 0 in Algorithm 2)",
            impl={"p_sample": _p_variant(noise_at_0=True)},
            checks=("p_sample",),
        ),
        Probe(
            "the predicted x0 was clipped to [-1, 1] (denoising-diffusion-pytorch's clip_denoised=True, for images "
            "in [-1, 1]): this task's mean is the formula's, unclipped",
            impl={"p_sample": _p_clipped, "sample": _sample_clipped},
            checks=("p_sample", "sample"),
        ),
        Probe(
            "sigma_t = beta_t: the noise's standard deviation is sqrt(beta_t) (its variance is beta_t)",
            impl={"p_sample": _p_variant(sigma_beta=True)},
            checks=("p_sample",),
        ),
        Probe(
            "divided by sqrt(alpha_bar_t): the mean divides by sqrt(alpha_t) = sqrt(1 - beta_t), one step's scale",
            impl={"p_sample": _p_variant(alpha_bar_divisor=True)},
            checks=("p_sample",),
        ),
        Probe(
            "eps coefficient beta_t / sqrt(beta_t): it is beta_t / sqrt(1 - alpha_bar_t), with the cumulative "
            "alpha_bar",
            impl={"p_sample": _p_variant(alpha_coef=True)},
            checks=("p_sample",),
        ),
        Probe(
            "sigma_t^2 is the posterior variance beta_tilde_t = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) beta_t "
            "(the paper's other choice, diffusers' 'fixed_small'): this task fixes sigma_t^2 = beta_t",
            impl="wrong/ddpm/posterior_variance.py",
            checks=("p_sample",),
        ),
        Probe(
            "off by one timestep: the eps coefficient is beta_t / sqrt(1 - alpha_bar_t), with the alpha_bar of the "
            "same step t (0-based here; the paper counts from 1)",
            impl="wrong/ddpm/alpha_bar_prev_in_coef.py",
            checks=("p_sample",),
        ),
        Probe(
            "the loop runs forward in time: sample from t = T-1 down to 0 (reversed(range(T))), the noisiest step first",
            impl="wrong/ddpm/loop_forward_in_time.py",
            checks=("sample",),
        ),
        Probe(
            "the random numbers were drawn in another order (or one too many): x_T first, then one z per step "
            "with t > 0, none at t = 0",
            impl="wrong/ddpm/noise_at_every_step.py",
            checks=("sample",),
        ),
    ),
    equivalent_mutants=(
        Equivalent("alphas_cumprod", "dim=0)", "dim=-1)", "betas is 1-D: dim 0 and -1 are the same axis"),
        Equivalent(
            "p_sample",
            "betas[t].to(x_t.dtype), alphas_bar[t]",
            "beta, abar = betas[t], alphas_bar",
            (
                "a 0-dim float64 beta does not promote x_t's dtype (PyTorch's rule for 0-dim "
                "tensors): the same values to x_t's rounding"
            ),
        ),
    ),
)
