"""Exercise: binary cross-entropy from probabilities and from logits, with gradients."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe, grid
from reference_impls.exercises._cases import LOOSE, randn

SHAPES = [(1,), (10,), (4, 5)]


def _prob_cases():
    for rng, shape, dtype, s in grid(SHAPES, seed=5200, fresh=1):
        z = randn(rng, shape, dtype, 3.0)
        p = (1 / (1 + np.exp(-z))).astype(dtype)
        yield Case("hard_targets", (p, rng.integers(0, 2, shape).astype(dtype)), seed=s)
        yield Case(
            "soft_targets", (p, rng.uniform(size=shape).astype(dtype)), seed=s, note="targets in [0, 1], not just 0 / 1"
        )


def _saturated_cases():
    yield from _prob_cases()
    for dtype in ("float32", "float64"):
        yield Case(
            f"saturated_{dtype}",
            (np.array([0.0, 1.0, 0.0, 1.0, 0.5, 1e-30], dtype), np.array([1.0, 0.0, 0.0, 1.0, 0.3, 0.7], dtype)),
            note="p exactly 0 and 1 (a saturated sigmoid): each log is clamped at -100, as PyTorch, so the loss is finite",
        )


def _logit_cases():
    for rng, shape, dtype, s in grid(SHAPES, seed=5300, fresh=1):
        yield Case("hard_targets", (randn(rng, shape, dtype, 3.0), rng.integers(0, 2, shape).astype(dtype)), seed=s)
        yield Case("soft_targets", (randn(rng, shape, dtype, 3.0), rng.uniform(size=shape).astype(dtype)), seed=s)
    z = np.array([-800.0, -100.0, -20.0, 0.0, 20.0, 100.0, 800.0])
    yield Case(
        "large_logits",
        (z, np.array([1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0])),
        note="|z| up to 800: sigmoid rounds to 0 or 1 and log(0) = -inf, exp(800) overflows",
    )
    yield Case(
        "large_logits_float32",
        (z.astype("float32"), np.array([1, 0, 1, 1, 0, 1, 0], "float32")),
        note="the same in float32",
    )


def _naive_with_logits(z, y):
    p = 1 / (1 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def _summed(case, actual, expected):
    """The learner's loss is n times the reference's: a sum where the task takes the mean."""
    n = np.asarray(case.args[0]).size
    a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    return n > 1 and a.shape == e.shape == () and bool(np.isclose(a, e * n, rtol=1e-3))


def _log_bounded_above_minus_100(case, actual, expected):
    """On inputs with p exactly 0 or 1, a finite loss below the reference's: each log was bounded at
    log(eps) > -100 (p clipped to [eps, 1 - eps], or log(p + eps))."""
    p = np.asarray(case.args[0])
    a = np.asarray(actual, dtype=float)
    saturated = bool(np.any((p == 0) | (p == 1)))
    return saturated and a.shape == () and bool(np.isfinite(a)) and float(a) < float(expected) - 1e-3


EXERCISE = Exercise.of(
    info("bce"),
    task="""Binary cross-entropy, mean over every element, as torch.nn.functional.binary_cross_entropy
and binary_cross_entropy_with_logits; targets y in [0, 1] (soft targets allowed).

1. bce(p, y) = -mean(y log p + (1 - y) log(1 - p)), each log clamped at -100 as PyTorch does;
   bce_grad(p, y) = (p - y) / (p (1 - p)) / n  (n = p.size; clamp the denominator at 1e-12).
2. bce_with_logits(z, y): the same loss with p = sigmoid(z), computed without ever forming p:
   mean(max(z, 0) - z y + log(1 + exp(-|z|))) is finite for any z;
   bce_with_logits_grad(z, y) = (sigmoid(z) - y) / n.""",
    entry_points=(
        EntryPoint("bce", "(p, y)", "Mean BCE of probabilities p against targets y (same shape). A scalar."),
        EntryPoint("bce_grad", "(p, y)", "d bce / d p, p's shape and dtype."),
        EntryPoint("bce_with_logits", "(z, y)", "Mean BCE of sigmoid(z) against y, stable for any z. A scalar."),
        EntryPoint("bce_with_logits_grad", "(z, y)", "d bce_with_logits / d z = (sigmoid(z) - y) / n."),
    ),
    checks=(
        Check(
            "bce",
            "bce",
            _saturated_cases,
            tolerance=LOOSE,
            description="float32/64, 3 shapes, hard and soft targets; p exactly 0 and 1",
        ),
        Check("bce_grad", "bce_grad", _saturated_cases, tolerance=LOOSE, description="the same cases"),
        Check(
            "with_logits",
            "bce_with_logits",
            _logit_cases,
            tolerance=LOOSE,
            description="float32/64, 3 shapes, |z| up to 800",
        ),
        Check("with_logits_grad", "bce_with_logits_grad", _logit_cases, tolerance=LOOSE, description="the same cases"),
    ),
    probes=(
        Probe(
            "sigmoid then log: for large |z| sigmoid(z) rounds to 0 or 1 and log gives -inf (or exp overflows); "
            "use max(z, 0) - z y + log1p(exp(-|z|))",
            impl="wrong/bce/sigmoid_then_log.py",
            checks=("with_logits",),
        ),
        Probe(
            "sigmoid then log: for large |z| sigmoid(z) rounds to 0 or 1 and log gives -inf (or exp overflows); "
            "use max(z, 0) - z y + log1p(exp(-|z|))",
            impl={"bce_with_logits": _naive_with_logits},
        ),
        Probe(
            "log(0) = -inf at p = 0 or 1: clamp each log at -100 as PyTorch does (np.maximum(np.log(p), -100)), and "
            "floor the gradient's denominator p (1 - p) at 1e-12",
            impl="wrong/bce/no_log_clamp.py",
            checks=("bce", "bce_grad"),
        ),
        Probe(
            "summed instead of averaged: the loss is the mean over every element (np.mean, or the sum / p.size)",
            when=_summed,
            checks=("bce", "with_logits"),
        ),
        Probe(
            "clipping p to [eps, 1 - eps] (or log(p + eps)) bounds each log at log(eps), -16.1 for Keras' 1e-7, "
            "not at -100: clamp the log itself, np.maximum(np.log(p), -100), as PyTorch does",
            when=_log_bounded_above_minus_100,
            checks=("bce",),
        ),
        Probe(
            "the mean over all elements: divide the gradient by p.size",
            impl={
                "bce_grad": lambda p, y: (p - y) / np.maximum(p * (1 - p), 1e-12),
                "bce_with_logits_grad": lambda z, y: 1 / (1 + np.exp(-z)) - y,
            },
        ),
    ),
)
