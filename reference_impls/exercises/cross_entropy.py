"""Exercise: log-softmax and cross-entropy from logits (with label smoothing), forward and gradient."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe, grid
from reference_impls.exercises._cases import LOOSE, randn

SHAPES = [(8, 5), (1, 10), (32, 3), (4, 2)]


def _batch(rng, shape, dtype, scale=3.0, shift=0.0):
    return randn(rng, shape, dtype, scale, shift), rng.integers(0, shape[1], shape[0])


def loss_cases():
    for rng, shape, dtype, s in grid(SHAPES, seed=2000, fresh=1):
        yield Case("random", _batch(rng, shape, dtype), seed=s)
    for rng, shape, dtype, s in grid([(6, 4)], seed=2100):
        yield Case(
            "large_logits",
            _batch(rng, shape, dtype, 3.0, 1000.0),
            seed=s,
            note="logits near 1000: exp() overflows unless the row max is subtracted (log-sum-exp)",
        )
    for rng, shape, dtype, s in grid([(6, 4)], seed=2200):
        yield Case(
            "spread_logits",
            _batch(rng, shape, dtype, 200.0),
            seed=s,
            note="logits spread over +-600: softmax underflows to 0 for some classes, and log(0) = -inf",
        )
    for rng, shape, dtype, s in grid([(8, 5)], seed=2300):
        yield Case(
            "label_smoothing",
            _batch(rng, shape, dtype),
            {"label_smoothing": 0.1},
            seed=s,
            note="label_smoothing=0.1: target (1 - 0.1) one_hot + 0.1 / C on every class",
        )
    rng = np.random.default_rng(2400)
    yield Case("square_batch", _batch(rng, (5, 5), "float64"), seed=2400, note="N == C: an axis mix-up does not raise")


def log_softmax_cases():
    for rng, shape, dtype, s in grid(SHAPES + [(2, 3, 4)], seed=2500, fresh=1):
        yield Case("random", (randn(rng, shape, dtype, 3.0),), seed=s)
    for rng, shape, dtype, s in grid([(3, 6)], seed=2600):
        yield Case("large_logits", (randn(rng, shape, dtype, 3.0, 1000.0),), seed=s, note="logits near 1000")
    yield Case(
        "spread_logits",
        (randn(np.random.default_rng(2700), (4, 5), "float32", 300.0),),
        seed=2700,
        note="logits spread over +-900: log(softmax(x)) would give -inf",
    )
    yield Case("axis_0", (randn(np.random.default_rng(2800), (4, 3), "float64"),), {"axis": 0}, seed=2800)
    yield Case(
        "square",
        (randn(np.random.default_rng(2900), (5, 5), "float32"),),
        {"axis": -1},
        seed=2900,
        note="square input: a reduction without keepdims broadcasts along the wrong axis",
    )


def _naive_log_softmax(x, axis=-1):
    e = np.exp(x)
    return np.log(e / e.sum(axis=axis, keepdims=True))


def _naive_ce(logits, target, label_smoothing=0.0):
    return -np.mean(_naive_log_softmax(logits, 1)[np.arange(len(target)), target])


EXERCISE = Exercise.of(
    info("cross_entropy"),
    task="""Cross-entropy of a batch of logits against integer class labels, as
torch.nn.functional.cross_entropy (mean over the batch), and its gradient.

1. log_softmax(x, axis): x - logsumexp(x), computed stably: with m = max along the axis,
   (x - m) - log(sum(exp(x - m))). Never log(softmax(x)): exp overflows for x >= 89 in float32
   and softmax underflows to 0 (log 0 = -inf) for very negative logits.
2. cross_entropy(logits, target, label_smoothing): logits (N, C), target (N,) ints in [0, C).
   loss = -mean_n sum_c q[n, c] log_softmax(logits)[n, c], where q is the one-hot target, or
   with label smoothing eps: q = (1 - eps) one_hot + eps / C (every class, the true one too).
   Return a scalar of the logits' dtype.
3. cross_entropy_grad(...): d loss / d logits = (softmax(logits) - q) / N, shape (N, C).""",
    entry_points=(
        EntryPoint(
            "log_softmax", "(x, axis=-1)", "log(softmax(x)) along `axis`, computed stably. Same shape and dtype as x."
        ),
        EntryPoint(
            "cross_entropy",
            "(logits, target, label_smoothing=0.0)",
            "Mean cross-entropy. logits: (N, C) float32/64; target: (N,) int64 class ids. Returns a scalar (logits' dtype).",
        ),
        EntryPoint(
            "cross_entropy_grad",
            "(logits, target, label_smoothing=0.0)",
            "d cross_entropy / d logits: (softmax(logits) - q) / N, shape (N, C), logits' dtype.",
        ),
    ),
    checks=(
        Check(
            "log_softmax",
            "log_softmax",
            log_softmax_cases,
            tolerance=LOOSE,
            description="float32/64, 5 shapes; logits near 1000 and spread over +-900, axis 0, square input",
        ),
        Check(
            "loss",
            "cross_entropy",
            loss_cases,
            tolerance=LOOSE,
            description="float32/64, 4 shapes; logits near 1000, spread over +-600, label smoothing 0.1, N == C",
        ),
        Check("gradient", "cross_entropy_grad", loss_cases, tolerance=LOOSE, description="the same cases"),
    ),
    probes=(
        Probe(
            "no log-sum-exp: log(softmax(x)) overflows for logits >= 89 (float32) and gives log(0) = -inf for very "
            "negative ones; use (x - m) - log(sum(exp(x - m))), m the max",
            impl="wrong/cross_entropy/no_logsumexp.py",
            checks=("log_softmax", "loss"),
        ),
        Probe(
            "no log-sum-exp: log(softmax(x)) overflows for logits >= 89 (float32) and gives log(0) = -inf for very "
            "negative ones; use (x - m) - log(sum(exp(x - m))), m the max",
            impl={"log_softmax": _naive_log_softmax, "cross_entropy": _naive_ce},
        ),
        Probe(
            "summed over the batch: cross-entropy is the MEAN over the N rows, and its gradient is divided by N",
            impl="wrong/cross_entropy/sum_not_mean.py",
            checks=("loss", "gradient"),
        ),
        Probe(
            "label smoothing as PyTorch: q = (1 - eps) * one_hot + eps / C, the eps / C going to every class "
            "including the true one",
            impl="wrong/cross_entropy/smoothing_over_others.py",
            checks=("loss", "gradient"),
        ),
        Probe(
            "normalized over the wrong axis: the classes are axis 1 (the columns) of (N, C) logits",
            impl={"log_softmax": lambda x, axis=-1: _ref_log_softmax(x, 0 if axis in (-1, x.ndim - 1) else -1)},
        ),
    ),
)


def _ref_log_softmax(x, axis):
    from reference_impls.numpy.log_softmax import log_softmax

    return log_softmax(x, axis)
