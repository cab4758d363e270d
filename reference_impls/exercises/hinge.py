"""Exercise: binary hinge loss and the multi-class (Weston-Watkins) margin loss, with subgradients."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Equivalent, Exercise, Probe, grid
from reference_impls.exercises._cases import LOOSE, randn


def _binary_cases():
    for rng, shape, dtype, s in grid([(1,), (12,), (3, 4)], seed=5400, fresh=1):
        scores, y = randn(rng, shape, dtype, 2.0), rng.choice([-1.0, 1.0], shape).astype(dtype)
        scores.flat[0] = -0.5 * y.flat[0]  # at least one margin violation: the loss is never all zero
        yield Case("random", (scores, y), seed=s)
    yield Case(
        "on_the_margin",
        (np.array([1.0, -1.0, 0.5, 2.0]), np.array([1.0, -1.0, 1.0, -1.0])),
        note="y s == 1 exactly: loss 0 and subgradient 0 there (PyTorch's convention)",
    )


def _multi_cases():
    for rng, (n, c), dtype, s in grid([(1, 2), (6, 4), (16, 10)], seed=5500):
        yield Case("random", (randn(rng, (n, c), dtype), rng.integers(0, c, n)), seed=s)
    rng = np.random.default_rng(5600)
    yield Case(
        "margin_0.5",
        (randn(rng, (8, 5), "float64"), rng.integers(0, 5, 8)),
        {"margin": 0.5},
        seed=5600,
        note="margin=0.5",
    )
    yield Case("square", (randn(rng, (5, 5), "float32"), rng.integers(0, 5, 5)), seed=5601, note="N == C")
    yield Case(
        "on_the_margin",
        (np.array([[2.0, 1.0, 0.5], [0.0, 3.0, 2.0], [1.0, 0.5, 2.0]]), np.array([0, 1, 0])),
        note="margin - s_y + s_j == 0 exactly for (0, 1) and (1, 2): no loss there and subgradient 0 (PyTorch's)",
    )


def _multi_counts_true(scores, target, margin=1.0):
    n, c = scores.shape
    correct = scores[np.arange(n), target][:, None]
    return np.sum(np.maximum(0, margin - correct + scores)) / (n * c)  # the true class adds `margin` per row


def _binary_grad_on_margin(scores, y):
    return np.where(y * scores <= 1, -y, 0).astype(scores.dtype) / scores.size


def _multi_grad_on_margin(scores, target, margin=1.0):
    n, c = scores.shape
    rows = np.arange(n)
    active = (margin - scores[rows, target][:, None] + scores >= 0).astype(scores.dtype)
    active[rows, target] = 0
    active[rows, target] = -active.sum(axis=1)
    return active / (n * c)


def _times_c(fn):
    """fn without MultiMarginLoss's division by C (cs231n's SVM loss: a sum over classes, a mean over rows)."""

    def wrong(scores, target, margin=1.0):
        from reference_impls.numpy import hinge

        return getattr(hinge, fn)(scores, target, margin) * scores.shape[1]

    return wrong


EXERCISE = Exercise.of(
    info("hinge_loss"),
    task="""SVM losses, mean-reduced, and their subgradients.

1. hinge_loss(scores, y) = mean(max(0, 1 - y * scores)), y in {-1, +1};
   hinge_loss_grad: -y / n where y * scores < 1, else 0 (0 exactly on the margin).
2. multi_margin_loss(scores, target, margin): scores (N, C), target (N,) ints; as
   torch.nn.MultiMarginLoss: loss_n = sum over j != y_n of max(0, margin - s[n, y_n] + s[n, j]) / C,
   then the mean over n. The true class is NOT a rival of itself.
   multi_margin_loss_grad: +1 / (N C) for every active rival j, and minus the number of active
   rivals / (N C) on the true class.""",
    entry_points=(
        EntryPoint("hinge_loss", "(scores, y)", "Mean binary hinge loss, a scalar."),
        EntryPoint("hinge_loss_grad", "(scores, y)", "Its subgradient w.r.t. scores (same shape and dtype)."),
        EntryPoint(
            "multi_margin_loss",
            "(scores, target, margin=1.0)",
            "Mean multi-class margin loss (MultiMarginLoss, p=1), a scalar.",
        ),
        EntryPoint("multi_margin_loss_grad", "(scores, target, margin=1.0)", "Its subgradient, (N, C)."),
    ),
    checks=(
        Check(
            "binary",
            "hinge_loss",
            _binary_cases,
            tolerance=LOOSE,
            description="float32/64, 3 shapes, scores exactly on the margin",
        ),
        Check("binary_grad", "hinge_loss_grad", _binary_cases, tolerance=LOOSE, description="the same cases"),
        Check(
            "multi",
            "multi_margin_loss",
            _multi_cases,
            tolerance=LOOSE,
            description="float32/64, C = 2 / 4 / 10, margin 0.5, N == C",
        ),
        Check("multi_grad", "multi_margin_loss_grad", _multi_cases, tolerance=LOOSE, description="the same cases"),
    ),
    probes=(
        Probe(
            "MultiMarginLoss divides by C as well: the sum over rival classes is divided by C, then averaged over "
            "the N rows (cs231n's SVM loss divides by N only)",
            impl={
                "multi_margin_loss": _times_c("multi_margin_loss"),
                "multi_margin_loss_grad": _times_c("multi_margin_loss_grad"),
            },
        ),
        Probe(
            "the true class counted as its own rival: it adds max(0, margin) = margin per row; exclude j == y_n",
            impl={"multi_margin_loss": _multi_counts_true},
        ),
        Probe(
            "exactly on the margin the subgradient is 0 (PyTorch's convention): a term is active where "
            "y * scores < 1 (margin - s_y + s_j > 0), not <= 1 (>= 0)",
            impl={"hinge_loss_grad": _binary_grad_on_margin, "multi_margin_loss_grad": _multi_grad_on_margin},
        ),
        Probe(
            "the true class has its own margin counted as an active rival: zero margins[n, y_n] before counting "
            "(its term margin - s_y + s_y = margin > 0 is not a rival), so it gets minus the number of active RIVALS",
            impl="wrong/hinge_loss/true_class_in_count.py",
            checks=("multi_grad",),
        ),
        Probe(
            "the true class's gradient is minus the NUMBER of active rivals (its score appears in each active term)",
            impl="wrong/hinge_loss/true_class_grad_once.py",
            checks=("multi_grad",),
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "hinge_loss_grad",
            "np.where(y * scores < 1, -y, 0).astype(scores.dtype)",
            "np.where(y * scores < 1, -y, 0) / scores.size",
            "y has the scores' dtype in the task, so np.where(..., -y, 0) has it already",
        ),
    ),
)
