"""Exercise: focal loss (sigmoid and softmax forms) with gradients, for class imbalance."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe, grid
from reference_impls.exercises._cases import LOOSE, randn


def _sigmoid_cases():
    for rng, shape, dtype, s in grid([(10,), (6, 5)], seed=5700, fresh=1):
        yield Case("random", (randn(rng, shape, dtype, 3.0), rng.integers(0, 2, shape).astype(dtype)), seed=s)
    rng = np.random.default_rng(5800)
    z, y = randn(rng, (8, 4), "float64", 3.0), rng.integers(0, 2, (8, 4)).astype("float64")
    for alpha, gamma in ((-1.0, 0.0), (0.5, 1.0), (0.75, 5.0), (0.0, 2.0)):
        yield Case(
            f"alpha_{alpha}_gamma_{gamma}",
            (z, y),
            {"alpha": alpha, "gamma": gamma},
            seed=5800,
            note="alpha < 0 disables the alpha weighting (alpha = 0 keeps it: only negatives count); gamma 0 with "
            "alpha < 0 is plain BCE",
        )
    yield Case(
        "confident",
        (np.array([40.0, -40.0, 0.0]), np.array([1.0, 0.0, 1.0])),
        note="easy examples with p_t -> 1: the loss and its gradient vanish, and must stay finite",
    )


def _softmax_cases():
    for rng, (n, c), dtype, s in grid([(10, 4), (1, 3), (32, 10)], seed=5900, fresh=1):
        yield Case("random", (randn(rng, (n, c), dtype, 3.0), rng.integers(0, c, n)), seed=s)
    rng = np.random.default_rng(6000)
    z, y = randn(rng, (8, 5), "float64", 3.0), rng.integers(0, 5, 8)
    for gamma in (0.0, 0.5, 5.0):
        yield Case(f"gamma_{gamma}", (z, y), {"gamma": gamma}, seed=6000, note="gamma 0 is cross-entropy")
    yield Case(
        "large_logits",
        (randn(rng, (4, 3), "float32", 3.0, 1000.0), rng.integers(0, 3, 4)),
        seed=6001,
        note="logits near 1000: log p_t from log-softmax, never log(softmax)",
    )
    yield Case(
        "certain_gamma_0.5",
        (np.array([[60.0, 0.0, 0.0], [0.0, 1.0, -1.0]]), np.array([0, 1])),
        {"gamma": 0.5},
        note="p_t rounds to exactly 1 with gamma < 1: (1 - p_t)^(gamma - 1) is 0^-0.5 = inf, so that term must be 0 there",
    )


def _focal_no_modulation(logits, target, gamma=2.0):
    from reference_impls.numpy.cross_entropy import cross_entropy

    return cross_entropy(logits, target)


EXERCISE = Exercise.of(
    info("focal_loss"),
    task="""Focal loss (Lin et al. 2017), FL(p_t) = -alpha_t (1 - p_t)^gamma log(p_t): the factor
(1 - p_t)^gamma shrinks the loss of easy examples (p_t near 1), so the many easy negatives of an
imbalanced problem stop dominating. Mean reduction throughout.

1. sigmoid_focal_loss(z, y, alpha, gamma): logits z, targets y in {0, 1}, any shape, exactly
   torchvision.ops.sigmoid_focal_loss: p_t = sigmoid(z) for y = 1, 1 - sigmoid(z) for y = 0;
   alpha_t = alpha for positives, 1 - alpha for negatives; alpha < 0 means no alpha weighting.
   sigmoid_focal_loss_grad: d/dz, finite even when p_t rounds to 1.
2. softmax_focal_loss(logits, target, gamma): (N, C) logits, p_t = softmax(logits)[n, y_n];
   gamma = 0 gives cross-entropy. softmax_focal_loss_grad: d/d logits, (N, C).

Get log p_t from log-sigmoid / log-softmax (stable), never log(p). Derive the gradients by the
chain rule through p_t, and write them so that (1 - p_t)^(gamma - 1) never multiplies 0 * inf.""",
    entry_points=(
        EntryPoint(
            "sigmoid_focal_loss", "(z, y, alpha=0.25, gamma=2.0)", "Mean binary focal loss (torchvision's), a scalar."
        ),
        EntryPoint(
            "sigmoid_focal_loss_grad", "(z, y, alpha=0.25, gamma=2.0)", "Its gradient w.r.t. z, z's shape and dtype."
        ),
        EntryPoint("softmax_focal_loss", "(logits, target, gamma=2.0)", "Mean multi-class focal loss, a scalar."),
        EntryPoint("softmax_focal_loss_grad", "(logits, target, gamma=2.0)", "Its gradient w.r.t. logits, (N, C)."),
    ),
    checks=(
        Check(
            "sigmoid",
            "sigmoid_focal_loss",
            _sigmoid_cases,
            tolerance=LOOSE,
            description="float32/64; alpha -1 / 0.25 / 0.5 / 0.75, gamma 0 / 1 / 2 / 5; confident examples",
        ),
        Check("sigmoid_grad", "sigmoid_focal_loss_grad", _sigmoid_cases, tolerance=LOOSE, description="the same cases"),
        Check(
            "softmax",
            "softmax_focal_loss",
            _softmax_cases,
            tolerance=LOOSE,
            description="float32/64, C = 3 / 4 / 10; gamma 0 / 0.5 / 2 / 5; logits near 1000",
        ),
        Check("softmax_grad", "softmax_focal_loss_grad", _softmax_cases, tolerance=LOOSE, description="the same cases"),
    ),
    probes=(
        Probe(
            "modulated by p_t^gamma: the focal factor is (1 - p_t)^gamma, small for easy examples (p_t near 1)",
            impl="wrong/focal_loss/modulates_by_p.py",
            checks=("softmax",),
        ),
        Probe(
            "the modulating factor uses p = sigmoid(z) for every element: p_t = p for a positive and 1 - p for a "
            "negative, and the factor is (1 - p_t)^gamma",
            impl="wrong/focal_loss/modulates_by_p_not_pt.py",
            checks=("sigmoid",),
        ),
        Probe(
            "alpha_t is alpha for positives and 1 - alpha for NEGATIVES (torchvision): not alpha for every example",
            impl="wrong/focal_loss/alpha_everywhere.py",
            checks=("sigmoid", "sigmoid_grad"),
        ),
        Probe(
            "the modulating factor (1 - p_t)^gamma is missing: that is plain cross-entropy",
            impl={"softmax_focal_loss": _focal_no_modulation},
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "softmax_focal_loss_grad",
            "np.where(one_minus > 0, first, 0)",
            "np.where(one_minus > 0, first, 1)",
            "p_t rounds to 1 only when the other probabilities sum below 1e-16: the gradient is ~1e-16 either way",
        ),
        Equivalent(
            "softmax_focal_loss_grad",
            "np.where(one_minus > 0, first, 0)",
            "np.where(one_minus > 0, first, -1)",
            "p_t rounds to 1 only when the other probabilities sum below 1e-16: the gradient is ~1e-16 whatever the coefficient",
        ),
    ),
)
