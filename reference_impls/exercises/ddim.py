"""Exercise: DDIM (eta = 0): deterministic steps on a subsequence of timesteps, exact for a known-noise oracle."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._torch_io import call_torch, to_numpy

T = 100


def _alphas_bar():
    return np.cumprod(1 - np.linspace(1e-4, 0.05, T))


def _timesteps(impl, T, num_steps):
    return to_numpy(impl.ddim_timesteps(T, num_steps)).astype(np.int64)


def timestep_cases():
    for T_, n in [(1000, 50), (1000, 4), (10, 10), (100, 1), (7, 3)]:
        yield Case(
            f"T_{T_}_steps_{n}",
            (T_, n),
            note="(T // num_steps) * [num_steps - 1, ..., 1, 0]" + (": 7 // 3 = 2, so 4, 2, 0" if T_ == 7 else ""),
            zero_ok=n == 1,
        )
    for rng, (T_,), _, s in fresh([(1000,), (7,)], ("int64",), seed=950, n=2):  # drawn afresh
        n = int(rng.integers(2, T_ + 1)) if T_ > 1 else 1
        yield Case("fresh", (T_, n), seed=s, zero_ok=n == 1)


def step_cases():
    rng = np.random.default_rng(1000)
    for t, prev, dtype in [
        (99, 79, "float64"),
        (50, 49, "float32"),
        (10, 0, "float64"),
        (20, -1, "float32"),
        (0, -1, "float64"),
    ]:
        yield Case(
            f"t_{t}_to_{prev}_{dtype}",
            (
                rng.standard_normal((3, 4)).astype(dtype),
                rng.standard_normal((3, 4)).astype(dtype),
                t,
                prev,
                _alphas_bar(),
            ),
            seed=1000,
            note="t_prev = -1: after the last step, alpha_bar_prev = 1 (return x0_pred)" if prev < 0 else "",
        )
    for rng, shape, dtype, s in fresh([(3, 4), (1, 5), (2, 3, 3)], seed=1050, n=1):  # drawn afresh
        t = int(rng.integers(0, T))
        prev = int(rng.integers(-1, t)) if t else -1
        x, eps = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
        yield Case("fresh", (x, eps, t, prev, _alphas_bar()), seed=s, note=f"t {t} to {prev}")


def _oracle_sample(impl, x0, eps, num_steps, dtype):
    """x_T = sqrt(abar) x0 + sqrt(1 - abar) eps at the first timestep, and an eps_model that always returns
    the noise of the current x for that x0: DDIM must give back x0 (up to rounding)."""
    import torch

    abar = torch.from_numpy(_alphas_bar())
    x0, eps = torch.from_numpy(x0), torch.from_numpy(eps)
    steps = (T // num_steps) * torch.arange(num_steps - 1, -1, -1)
    a = abar[steps[0]].to(x0.dtype)
    x_T = a.sqrt() * x0 + (1 - a).sqrt() * eps

    def oracle(x, t):
        a = abar[t].to(x.dtype)
        return (x - a.sqrt() * x0) / (1 - a).sqrt()

    return to_numpy(impl.ddim_sample(oracle, x_T, steps, abar))


def oracle_cases():
    rng = np.random.default_rng(1100)
    for n, dtype in [(100, "float64"), (10, "float64"), (1, "float64"), (20, "float32")]:
        yield Case(
            f"{n}_steps_{dtype}",
            (rng.standard_normal((2, 5)).astype(dtype), rng.standard_normal((2, 5)).astype(dtype), n, dtype),
            seed=1100,
            note=("all 100 timesteps" if n == 100 else f"{n} of 100 timesteps")
            + ": with the true noise every step stays on x0's trajectory, the last one lands on x0",
        )
    for rng, shape, dtype, s in fresh([(2, 5), (1, 3)], seed=1150, n=1):  # drawn afresh
        n = int(rng.integers(1, T + 1))
        x0, eps = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
        yield Case("fresh", (x0, eps, n, dtype), seed=s, note=f"{n} of 100 timesteps")


def _generic_sample(impl, x_T, num_steps):
    import torch

    abar = torch.from_numpy(_alphas_bar())
    steps = (T // num_steps) * torch.arange(num_steps - 1, -1, -1)
    return to_numpy(impl.ddim_sample(lambda x, t: torch.tanh(x) * (t + 1) / T, torch.from_numpy(x_T), steps, abar))


def generic_cases():
    rng = np.random.default_rng(1200)
    yield Case(
        "10_steps", (rng.standard_normal((3, 3)), 10), seed=1200, note="a made-up eps_model: the steps themselves"
    )


# -- known mistakes ---------------------------------------------------------------------------------


def _step(negative_index=False, alpha_not_bar=False):
    def ddim_step(x_t, eps, t, t_prev, alphas_bar):
        import torch

        ab = alphas_bar
        if alpha_not_bar:
            ab = torch.cat([alphas_bar[:1], alphas_bar[1:] / alphas_bar[:-1]])  # alpha_t
        a_t = ab[t].to(x_t.dtype)
        a_prev = ab[t_prev].to(x_t.dtype) if (t_prev >= 0 or negative_index) else torch.ones((), dtype=x_t.dtype)
        x0 = (x_t - (1 - a_t).sqrt() * eps) / a_t.sqrt()
        return a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps

    return ddim_step


def _sample_from(step):
    def ddim_sample(eps_model, x_T, timesteps, alphas_bar):
        steps = [int(t) for t in timesteps]
        x = x_T
        for t, prev in zip(steps, steps[1:] + [-1]):
            x = step(x, eps_model(x, t), t, prev, alphas_bar)
        return x

    return ddim_sample


def _ascending(T, num_steps):
    import torch

    return torch.arange(num_steps) * (T // num_steps)


EXERCISE = Exercise.of(
    info("ddim"),
    preamble="import torch\n",
    task="""DDIM (Song et al. 2021, Eq. 12 with sigma = 0) samples a trained DDPM in 10-50x fewer steps,
deterministically. With alpha_bar from the DDPM schedule and 0-based timesteps:

    x0_pred = (x_t - sqrt(1 - alpha_bar_t) * eps) / sqrt(alpha_bar_t)
    x_prev  = sqrt(alpha_bar_prev) * x0_pred + sqrt(1 - alpha_bar_prev) * eps

1. `ddim_timesteps(T, num_steps)`: (T // num_steps) * [num_steps - 1, ..., 1, 0], int64.
2. `ddim_step(x_t, eps, t, t_prev, alphas_bar)`: the update above; t_prev = -1 means the step after
   the last one, where alpha_bar_prev = 1 (careful: alphas_bar[-1] is the LAST entry in Python).
3. `ddim_sample(eps_model, x_T, timesteps, alphas_bar)`: step along the (decreasing) timesteps, each
   to the next one, the last to -1; eps = eps_model(x, t) at each.

The oracle check: x_T is x0 noised with a known eps, and eps_model returns exactly the noise that
separates the current x from x0. Every DDIM step then keeps x on that x0's trajectory and the last
one returns x0 itself: with all 100 timesteps, with 10, even with 1.""",
    entry_points=(
        EntryPoint(
            "ddim_timesteps",
            "(T, num_steps)",
            "num_steps decreasing timesteps, evenly spaced, ending at 0 (int64 tensor).",
        ),
        EntryPoint(
            "ddim_step",
            "(x_t, eps, t, t_prev, alphas_bar)",
            "One deterministic DDIM step t -> t_prev (t_prev = -1: the end).",
        ),
        EntryPoint("ddim_sample", "(eps_model, x_T, timesteps, alphas_bar)", "x_0 from x_T along the timesteps."),
    ),
    checks=(
        Check(
            "timesteps",
            "ddim_timesteps",
            timestep_cases,
            call=_timesteps,
            description="T 1000 with 50 and 4 steps, 10 of 10, 1 of 100, 3 of 7",
        ),
        Check(
            "step",
            "ddim_step",
            step_cases,
            call=call_torch("ddim_step"),
            description="t 99 -> 79, 50 -> 49, 10 -> 0, 20 -> end, 0 -> end; float32/64",
        ),
        Check(
            "oracle",
            "ddim_sample",
            oracle_cases,
            call=_oracle_sample,
            tolerance={"float32": (1e-4, 1e-5)},
            description="a known-noise oracle: x0 reconstructed with 100, 10 and 1 of 100 steps (float64), 20 (float32)",
        ),
        Check(
            "sample",
            "ddim_sample",
            generic_cases,
            call=_generic_sample,
            description="10 steps with a made-up eps_model",
        ),
    ),
    probes=(
        Probe(
            "timesteps are (T // num_steps) * [num_steps - 1, ..., 1, 0] (diffusers' 'leading' spacing: 980 first for "
            "T = 1000 and 50 steps), not a linspace that starts at the last of the T timesteps",
            impl="wrong/ddim/linspace_timesteps.py",
            checks=("timesteps",),
        ),
        Probe(
            "x0_pred is not clipped here: diffusers clips it to [-1, 1] for images (clip_sample=True); the task's "
            "step uses (x_t - sqrt(1 - alpha_bar_t) eps) / sqrt(alpha_bar_t) as it is",
            impl="wrong/ddim/clipped_x0.py",
        ),
        Probe(
            "alphas_bar[t_prev] with t_prev = -1 is the LAST entry (Python indexing): after the last step "
            "alpha_bar_prev is 1",
            impl={"ddim_step": _step(negative_index=True), "ddim_sample": _sample_from(_step(negative_index=True))},
        ),
        Probe(
            "alpha_t where alpha_bar_t belongs: DDIM's formulas use the cumulative product",
            impl={"ddim_step": _step(alpha_not_bar=True)},
            checks=("step",),
        ),
        Probe(
            "increasing timesteps: sampling goes from (num_steps - 1) * (T // num_steps) down to 0",
            impl={"ddim_timesteps": _ascending},
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "ddim_step",
            "abar_t = alphas_bar[t].to(x_t.dtype)",
            "abar_t = alphas_bar[t]\n",
            "a 0-dim float64 alpha_bar does not promote x_t's dtype (PyTorch's rule for 0-dim tensors): the same values to x_t's rounding",
        ),
        Equivalent(
            "ddim_step",
            "alphas_bar[t_prev].to(x_t.dtype) if",
            "alphas_bar[t_prev] if",
            "a 0-dim float64 alpha_bar does not promote x_t's dtype: the same values to x_t's rounding",
        ),
        Equivalent(
            "ddim_step",
            "torch.ones((), dtype=x_t.dtype)",
            "else torch.ones(())",
            "1.0 is exact in float32 and a 0-dim tensor does not promote x_t's dtype",
        ),
        Equivalent(
            "ddim_sample",
            "steps[1:] + [-1]",
            "steps[1:] + [-2]",
            "any negative t_prev means after the last step (alpha_bar_prev = 1)",
        ),
    ),
)
