"""Exercise: inverted dropout, train and eval, forward and backward."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe, grid
from reference_impls.exercises._cases import randn


def forward_cases():
    for rng, shape, dtype, s in grid([(64, 50), (3, 4, 5), (7,)], seed=8000, fresh=1):
        for p in (0.2, 0.5):
            yield Case(f"train_p{p}", (randn(rng, shape, dtype, 2.0), p, True, s), seed=s)
    x = randn(np.random.default_rng(8100), (6, 6), "float64", 2.0)
    yield Case(
        "eval",
        (x, 0.5, False, 8100),
        seed=8100,
        note="training=False: the output is x itself (a copy), no mask, no scaling",
    )
    yield Case("train_p0.9", (x, 0.9, True, 8101), seed=8101, note="p=0.9: survivors are scaled by 10")
    yield Case(
        "train_p0",
        (x, 0.0, True, 8103),
        seed=8103,
        note="p=0 in training: the draw still happens, every unit is kept, the mask is all ones",
    )
    yield Case(
        "train_p1",
        (x, 1.0, True, 8102),
        seed=8102,
        zero_ok=True,
        note="p=1 drops everything: zeros, and no division by 1 - p = 0",
    )


def _with_generator(impl, x, p, training, seed):
    """The case holds the seed; each implementation gets a fresh Generator from it (the same draws)."""
    return impl.dropout(x, p, training, np.random.default_rng(seed))


def backward_cases():
    for rng, shape, dtype, s in grid([(64, 50), (3, 4, 5)], seed=8200, fresh=1):
        keep = rng.random(shape) >= 0.3
        yield Case("train", (randn(rng, shape, dtype), (keep / 0.7).astype(dtype)), seed=s)
    yield Case("eval", (np.arange(6.0).reshape(2, 3), None), note="mask None (eval): the gradient passes unchanged")


def _no_scaling(x, p=0.5, training=True, rng=None):
    if not training:
        return x.copy(), None
    keep = (rng.random(x.shape) >= p).astype(x.dtype)
    return x * keep, keep


def _mask_unscaled(x, p=0.5, training=True, rng=None):
    if not training:
        return x.copy(), None
    keep = (rng.random(x.shape) >= p).astype(x.dtype)
    return x * keep * x.dtype.type(0.0 if p == 1 else 1 / (1 - p)), keep


def _nan_at_p_one(case, actual, expected):
    """when(): p == 1 and the output holds nan: keep / (1 - p) = 0 / 0."""
    p = case.args[1] if len(case.args) > 1 else case.kwargs.get("p", 0.5)
    parts = actual if isinstance(actual, (tuple, list)) else (actual,)
    return p == 1 and any(isinstance(a, np.ndarray) and np.isnan(a).any() for a in parts)


def _drop_with_prob_keep(x, p=0.5, training=True, rng=None):
    if not training:
        return x.copy(), None
    keep = rng.random(x.shape) < p
    mask = keep.astype(x.dtype) * x.dtype.type(0.0 if p == 1 else 1 / (1 - p))
    return x * mask, mask


EXERCISE = Exercise.of(
    info("dropout"),
    task="""Inverted dropout, as torch.nn.Dropout: at training time zero each unit with probability p and
scale the survivors by 1 / (1 - p), so the expected output equals x and eval needs no change.

1. dropout(x, p, training, rng) returns (out, mask):
   - training: keep = rng.random(x.shape) >= p  (draw exactly this once, so the checks can
     reproduce your mask), mask = keep / (1 - p) as x's dtype (all zeros when p == 1),
     out = x * mask.
   - eval (training=False): (a copy of x, None).
2. dropout_backward(dout, mask): dout * mask (dout unchanged when mask is None).

Then try it: train a small MLP with and without dropout and compare train / test accuracy.""",
    entry_points=(
        EntryPoint(
            "dropout",
            "(x, p=0.5, training=True, rng=None)",
            "(out, mask): out has x's shape and dtype; mask is the scaled keep-mask or None.",
        ),
        EntryPoint("dropout_backward", "(dout, mask)", "d loss / d x given d loss / d out and the forward's mask."),
    ),
    checks=(
        Check(
            "forward",
            "dropout",
            forward_cases,
            call=_with_generator,
            description="float32/64, 3 shapes, p 0.2 / 0.5 / 0.9 / 1, eval mode; rng = np.random.default_rng(seed)",
        ),
        Check("backward", "dropout_backward", backward_cases, description="float32/64, a mask and None"),
    ),
    probes=(
        Probe(
            "no inverted scaling: the kept units are scaled by 1 / (1 - p) at training time (so eval needs no change)",
            impl={"dropout": _no_scaling},
        ),
        Probe(
            "the mask must carry the scale: return mask = keep / (1 - p), the same factor as the output, so that "
            "the backward's dout * mask scales the gradient too; yours is the 0/1 keep",
            impl={"dropout": _mask_unscaled},
            checks=("forward",),
        ),
        Probe(
            "p = 1 drops every unit: keep / (1 - p) is 0 / 0 = nan there; return zeros (out and mask) when p == 1",
            when=_nan_at_p_one,
            checks=("forward",),
        ),
        Probe(
            "p is the probability of DROPPING a unit: keep = rng.random(x.shape) >= p",
            impl={"dropout": _drop_with_prob_keep},
        ),
        Probe(
            "eval mode applies dropout: with training=False return x unchanged, no mask",
            impl="wrong/dropout/always_train.py",
            checks=("forward",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "dropout",
            "rng.random(x.shape) >= p",
            "rng.random(x.shape) > p",
            "the two differ only on a draw exactly equal to p, which the checks' Generators (53-bit uniforms) never produce",
        ),
    ),
)
