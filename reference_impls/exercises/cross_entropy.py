"""Exercise: log-softmax and cross-entropy from logits (with label smoothing), forward and gradient."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import EPSILON, Case, Check, EntryPoint, Equivalent, Exercise, Probe, grid
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
    yield Case(
        "rows_at_different_scales",
        _scaled_rows(np.random.default_rng(2450), (4, 6)),
        seed=2450,
        note="float64 rows shifted by 0, -100, 300, -500: one max for the whole batch underflows the low rows",
    )
    rng = np.random.default_rng(2400)
    yield Case("square_batch", _batch(rng, (5, 5), "float64"), seed=2400, note="N == C: an axis mix-up does not raise")


def _scaled_rows(rng, shape):
    """Logits whose rows sit at very different levels (float64: exp(-800) underflows, exp(300) does not)."""
    offsets = np.array([0.0, -100.0, 300.0, -500.0])[: shape[0], None]
    return randn(rng, shape, "float64", 3.0) + offsets, rng.integers(0, shape[1], shape[0])


def log_softmax_cases():
    for rng, shape, dtype, s in grid(SHAPES + [(2, 3, 4)], seed=2500, fresh=1):
        yield Case("random", (randn(rng, shape, dtype, 3.0),), seed=s)
    yield Case(
        "spread_logits",
        (randn(np.random.default_rng(2700), (4, 5), "float32", 300.0),),
        seed=2700,
        note="logits spread over +-900: log(softmax(x)) would give -inf",
    )
    yield Case(
        "rows_at_different_scales",
        (_scaled_rows(np.random.default_rng(2750), (4, 7))[0],),
        seed=2750,
        note="float64 rows shifted by 0, -100, 300, -500: the max must be each row's, not the whole array's",
    )
    yield Case("axis_0", (randn(np.random.default_rng(2800), (4, 3), "float64"),), {"axis": 0}, seed=2800)
    yield Case(
        "square",
        (randn(np.random.default_rng(2900), (5, 5), "float32"),),
        {"axis": -1},
        seed=2900,
        note="square input: a reduction without keepdims broadcasts along the wrong axis",
    )


LARGE = 1000.0  # logits near LARGE: log_softmax's absolute tolerance grows with it (_LARGE_TOLERANCE)


def log_softmax_large_cases():
    for rng, shape, dtype, s in grid([(3, 6)], seed=2600):
        yield Case("large_logits", (randn(rng, shape, dtype, 3.0, LARGE),), seed=s, note="logits near 1000")


# x - logsumexp(x), the TASK's own formula (SciPy's, np.logaddexp.reduce), is correct but rounds lse, a number
# near |x|, to eps * |x| (6e-5 for float32 near 1000): an absolute error in log space, past LOOSE's atol
_LARGE_TOLERANCE = {d: (rtol, atol + 2 * EPSILON[d] * LARGE) for d, (rtol, atol) in LOOSE.items()}


def _naive_log_softmax(x, axis=-1):
    e = np.exp(x)
    return np.log(e / e.sum(axis=axis, keepdims=True))


def _global_max_log_softmax(x, axis=-1):
    shifted = x - np.max(x)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _loss_and_grad(log_softmax):
    """cross_entropy and cross_entropy_grad built on a given log_softmax."""
    from reference_impls.numpy.cross_entropy import smoothed_targets

    def loss(logits, target, label_smoothing=0.0):
        q = smoothed_targets(target, logits.shape[1], label_smoothing, logits.dtype)
        return -np.sum(q * log_softmax(logits, axis=1)) / logits.shape[0]

    def grad(logits, target, label_smoothing=0.0):
        q = smoothed_targets(target, logits.shape[1], label_smoothing, logits.dtype)
        return (np.exp(log_softmax(logits, axis=1)) - q) / logits.shape[0]

    return loss, grad


_naive_ce, _naive_grad = _loss_and_grad(_naive_log_softmax)
_global_ce, _global_grad = _loss_and_grad(_global_max_log_softmax)
# (check, the mistake without the max, the mistake with one max for the whole array): on logits spread
# over hundreds both give the same inf / nan, and that case names neither; each has a case of its own
_SHIFT_MISTAKES = [
    ("log_softmax", _naive_log_softmax, _global_max_log_softmax),
    ("log_softmax_large", _naive_log_softmax, _global_max_log_softmax),
    ("loss", _naive_ce, _global_ce),
    ("gradient", _naive_grad, _global_grad),
]


def _explains(mistake, other):
    """when(): the learner's output is `mistake`'s on this case, and not `other`'s."""

    def same(fn, case, actual):
        with np.errstate(all="ignore"):
            out = np.asarray(fn(*case.args, **case.kwargs), dtype=np.float64)
        got = np.asarray(actual, dtype=np.float64)
        return out.shape == got.shape and np.allclose(out, got, rtol=1e-4, atol=1e-5, equal_nan=True)

    def when(case, actual, expected):
        # a float64 answer on float32 logits near 1000 equals the one-max mistake there, and the reference
        right = np.shape(actual) == np.shape(expected) and np.allclose(
            np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64), rtol=1e-4, atol=1e-5
        )
        return not right and same(mistake, case, actual) and not same(other, case, actual)

    return when


NO_LSE_HINT = (
    "no log-sum-exp: log(softmax(x)) overflows for logits >= 89 (float32) and gives log(0) = -inf for very "
    "negative ones; use (x - m) - log(sum(exp(x - m))), m the max"
)
GLOBAL_MAX_HINT = (
    "one max for the whole array: subtract the max of each row (np.max(x, axis=axis, keepdims=True)); a row far "
    "below the global max underflows to exp() = 0 and log 0 = -inf"
)


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
            description="float32/64, 5 shapes; logits spread over +-900, axis 0, square input",
        ),
        Check(
            "log_softmax_large",
            "log_softmax",
            log_softmax_large_cases,
            tolerance=_LARGE_TOLERANCE,
            description="float32/64 logits near 1000, within 2 ulp of 1000 (x - logsumexp(x) rounds the sum there)",
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
        *(
            Probe(NO_LSE_HINT, when=_explains(naive, global_max), checks=(check,))
            for check, naive, global_max in _SHIFT_MISTAKES
        ),
        *(
            Probe(GLOBAL_MAX_HINT, when=_explains(global_max, naive), checks=(check,))
            for check, naive, global_max in _SHIFT_MISTAKES
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
            "the loss is averaged over the classes too (np.mean over all N * C entries): sum over the classes, "
            "then average over the N rows",
            impl="wrong/cross_entropy/mean_over_all_entries.py",
            checks=("loss", "gradient"),
        ),
        Probe(
            "picked whole columns: logp[:, target] is an (N, N) block; the true class of row n is "
            "logp[np.arange(N), target]",
            impl="wrong/cross_entropy/column_index.py",
            checks=("loss",),
        ),
        Probe(
            "the gradient ignores label smoothing: subtract the smoothed q = (1 - eps) * one_hot + eps / C, "
            "the same q as the loss, not the plain one-hot",
            impl="wrong/cross_entropy/grad_ignores_smoothing.py",
            checks=("gradient",),
        ),
        Probe(
            "normalized over the wrong axis: the classes are axis 1 (the columns) of (N, C) logits",
            impl={"log_softmax": lambda x, axis=-1: _ref_log_softmax(x, 0 if axis in (-1, x.ndim - 1) else -1)},
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "smoothed_targets",
            "target.shape[0]",
            "target.shape[-1]",
            "target is 1-D (N,): shape[0] and shape[-1] are both N",
        ),
    ),
)


def _ref_log_softmax(x, axis):
    from reference_impls.numpy.log_softmax import log_softmax

    return log_softmax(x, axis)
