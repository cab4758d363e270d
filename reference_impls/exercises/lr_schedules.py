"""Exercise: learning-rate schedules: step decay, polynomial decay, cosine annealing with warm restarts."""

import math

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._fresh import fresh

EPOCHS = 40


def _sweep(name):
    """call(impl, **kwargs): the schedule's lr at epochs 0 .. EPOCHS - 1, as a float64 array."""

    def call(impl, **kwargs):
        fn = getattr(impl, name)
        return np.array([fn(e, **kwargs) for e in range(EPOCHS)], dtype=np.float64)

    return call


def _cases(configs, draw=None):
    """The named configs, then (with `draw(rng) -> config`) two drawn afresh on each run."""

    def cases():
        for cfg in configs:
            yield Case("_".join(f"{k}_{v}" for k, v in cfg.items() if k != "base_lr"), (), cfg)
        for rng, _, _, s in fresh([()], ("float64",), seed=sum(map(ord, draw.__name__)), n=2) if draw else ():
            cfg = {"base_lr": float(rng.choice([0.01, 0.1, 0.5, 1.0])), **draw(rng)}
            yield Case("fresh", (), cfg, seed=s, note=", ".join(f"{k}={v:g}" for k, v in cfg.items()))

    return cases


def _draw_step(rng):
    return {"step_size": int(rng.integers(1, 11)), "gamma": round(float(rng.uniform(0.1, 0.95)), 3)}


def _draw_poly(rng):
    return {"total_iters": int(rng.integers(1, 40)), "power": round(float(rng.uniform(0.5, 3.0)), 2)}


def _draw_cosine(rng):
    return {
        "T_0": int(rng.integers(1, 11)),
        "T_mult": int(rng.integers(1, 4)),
        "eta_min": float(rng.choice([0, 1e-3, 0.005])),
    }


def _draw_warmup(rng):
    warmup = int(rng.integers(1, 12))
    return {
        "warmup_steps": warmup,
        "total_steps": warmup + int(rng.integers(1, 30)),
        "eta_min": float(rng.choice([0, 1e-3])),
    }


STEP = [
    {"base_lr": 0.1, "step_size": 1, "gamma": 0.5},
    {"base_lr": 0.1, "step_size": 3, "gamma": 0.1},
    {"base_lr": 1.0, "step_size": 7, "gamma": 0.9},
]
POLY = [
    {"base_lr": 0.1, "total_iters": 5, "power": 1.0},
    {"base_lr": 0.1, "total_iters": 30, "power": 2.0},
    {"base_lr": 1.0, "total_iters": 4, "power": 0.5},
]
COSINE = [
    {"base_lr": 0.1, "T_0": 5, "T_mult": 1, "eta_min": 0.0},
    {"base_lr": 0.1, "T_0": 3, "T_mult": 2, "eta_min": 0.001},
    {"base_lr": 1.0, "T_0": 1, "T_mult": 3, "eta_min": 0.0},
    {"base_lr": 0.1, "T_0": 10, "T_mult": 1, "eta_min": 0.05},
]


def _cosine_no_mult(epoch, base_lr, T_0, T_mult=1, eta_min=0.0):
    t = epoch % T_0
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / T_0)) / 2


def _cosine_inclusive(epoch, base_lr, T_0, T_mult=1, eta_min=0.0):
    """Restarts one epoch late: cycles of T_i + 1 epochs that end exactly at eta_min."""
    T_i, t = T_0, epoch
    while t > T_i:
        t -= T_i + 1
        T_i *= T_mult
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / T_i)) / 2


def _warmup_from_zero(step, base_lr, warmup_steps, total_steps, eta_min=0.0):
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    progress = min((step - warmup_steps) / max(total_steps - warmup_steps, 1), 1.0)
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * progress)) / 2


def _past_total(case, actual, expected):
    """Wrong only after total_iters (where the reference is 0): the epoch was not clamped to total_iters."""
    a = np.asarray(actual)
    if a.shape != expected.shape:
        return False
    end = case.kwargs["total_iters"]
    return bool(np.allclose(np.real(a[: end + 1]), expected[: end + 1])) and not np.allclose(a[end + 1 :], 0)


EXERCISE = Exercise.of(
    info("lr_schedules"),
    preamble="import math\n",
    task="""The learning rate at integer epoch `epoch` (counting from 0), as PyTorch's schedulers stepped
once per epoch give it. Plain Python floats.

1. step_decay_lr: base_lr * gamma^(epoch // step_size)          (StepLR)
2. polynomial_decay_lr: base_lr * (1 - min(epoch, total_iters) / total_iters)^power   (PolynomialLR)
3. cosine_warm_restarts_lr (SGDR, CosineAnnealingWarmRestarts): cycle i lasts T_i = T_0 * T_mult^i
   epochs; T_cur counts the epochs since the last restart (0 right after it);
   lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2.
   Epoch T_0 is the first epoch of the second cycle (lr back to base_lr).
4. warmup_cosine_lr(step, base_lr, warmup_steps, total_steps, eta_min): linear warmup
   base_lr * (step + 1) / warmup_steps for step < warmup_steps, then a cosine from base_lr down to
   eta_min at total_steps, and eta_min after (the GPT recipe; not checked against PyTorch).""",
    entry_points=(
        EntryPoint("step_decay_lr", "(epoch, base_lr, step_size, gamma=0.1)", "StepLR's learning rate at `epoch`."),
        EntryPoint(
            "polynomial_decay_lr",
            "(epoch, base_lr, total_iters=5, power=1.0)",
            "PolynomialLR's learning rate at `epoch`.",
        ),
        EntryPoint(
            "cosine_warm_restarts_lr",
            "(epoch, base_lr, T_0, T_mult=1, eta_min=0.0)",
            "CosineAnnealingWarmRestarts' learning rate at integer `epoch`.",
        ),
        EntryPoint(
            "warmup_cosine_lr",
            "(step, base_lr, warmup_steps, total_steps, eta_min=0.0)",
            "Linear warmup, then cosine decay.",
        ),
    ),
    checks=(
        Check(
            "step_decay",
            "step_decay_lr",
            _cases(STEP, _draw_step),
            call=_sweep("step_decay_lr"),
            description="epochs 0-39, 3 settings",
        ),
        Check(
            "polynomial",
            "polynomial_decay_lr",
            _cases(POLY, _draw_poly),
            call=_sweep("polynomial_decay_lr"),
            description="epochs 0-39, power 0.5 / 1 / 2, past total_iters",
        ),
        Check(
            "cosine_warm_restarts",
            "cosine_warm_restarts_lr",
            _cases(COSINE, _draw_cosine),
            call=_sweep("cosine_warm_restarts_lr"),
            description="epochs 0-39; T_0 1 / 3 / 5 / 10, T_mult 1 / 2 / 3, eta_min 0 / 0.001 / 0.05",
        ),
        Check(
            "warmup_cosine",
            "warmup_cosine_lr",
            _cases(
                [
                    {"base_lr": 1.0, "warmup_steps": 5, "total_steps": 30},
                    {"base_lr": 0.1, "warmup_steps": 10, "total_steps": 35, "eta_min": 0.01},
                ],
                _draw_warmup,
            ),
            call=_sweep("warmup_cosine_lr"),
            description="steps 0-39, past total_steps",
        ),
    ),
    probes=(
        Probe(
            "warm restarts with T_mult: each cycle is T_mult times longer than the last (T_i = T_0 * T_mult^i), "
            "not always T_0",
            impl={"cosine_warm_restarts_lr": _cosine_no_mult},
        ),
        Probe(
            "restart one epoch late: T_cur runs 0 .. T_i - 1, so epoch T_0 is already the restart (lr = base_lr), "
            "and the minimum eta_min is never reached exactly",
            impl="wrong/lr_schedules/late_restart.py",
        ),
        Probe(
            "the warmup reaches base_lr at step warmup_steps - 1: lr = base_lr * (step + 1) / warmup_steps (step 0 "
            "already trains, at base_lr / warmup_steps)",
            impl={"warmup_cosine_lr": _warmup_from_zero},
        ),
        Probe(
            "the rate stays at 0 after total_iters: use min(epoch, total_iters), or 1 - epoch / total_iters goes "
            "negative (and a fractional power of it is complex)",
            when=_past_total,
            checks=("polynomial",),
        ),
        Probe(
            "epoch / step_size must be floored (integer division //): the rate drops in steps",
            impl={"step_decay_lr": lambda epoch, base_lr, step_size, gamma=0.1: base_lr * gamma ** (epoch / step_size)},
        ),
    ),
)
