"""Exercise: softmax forward and backward, and cross-entropy, by hand in PyTorch (the PyTorch Round 1 plan)."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._fresh import fresh
from reference_impls.exercises._precision import computed_in_float32, float32_hint
from reference_impls.exercises._torch import case, fn_call, randn, scoped, seeded

PREAMBLE = "import torch\n"

TOL = {"float32": (1e-5, 1e-6), "float64": (1e-10, 1e-12)}


def softmax_cases():
    import numpy as np

    for n, (shape, dim, dtype) in enumerate(
        [((4, 7), -1, "float32"), ((3, 5, 6), -1, "float64"), ((5, 3), 0, "float32"), ((2, 4, 3), 1, "float64")]
    ):
        s = 52000 + n
        yield case(
            f"{len(shape)}d_dim{dim}",
            s,
            x=randn(seeded(s), shape, dtype, 3.0),
            dim=dim,
            note="dim=0: each column sums to 1" if dim == 0 else "",
        )
    s = 52010
    yield case(
        "large_logits",
        s,
        x=randn(seeded(s), (3, 6), "float32", 3.0) + 1000,
        dim=-1,
        note="logits near 1000: exp overflows unless the max is subtracted",
    )
    x = randn(seeded(52012), (3, 6), "float32", 3.0) + np.array([[0.0], [1000.0], [-1000.0]], dtype="float32")
    yield case(
        "rows_at_different_scales",
        52012,
        x=x,
        dim=-1,
        note="rows near 0, +1000 and -1000 in one batch: subtract each row's max, not the whole tensor's",
    )
    yield case(
        "keepdim_trap",
        52011,
        x=randn(seeded(52011), (5, 5), "float64", 2.0),
        dim=-1,
        note="square: a sum without keepdim=True broadcasts along the wrong axis, silently",
    )
    for rng, shape, dtype, s in fresh([(4, 7), (3, 5, 6), (9,)], seed=52050, n=1):  # shape and dim drawn afresh
        yield case("fresh", s, x=randn(rng, shape, dtype, 3.0), dim=int(rng.integers(-len(shape), len(shape))))


def backward_cases():
    import numpy as np

    for c in softmax_cases():
        x, dim = c.kwargs["x"], c.kwargs["dim"]
        e = np.exp(x.astype(np.float64) - x.max(axis=dim, keepdims=True))
        y = (e / e.sum(axis=dim, keepdims=True)).astype(x.dtype)
        yield case(c.name, c.seed, dy=randn(seeded(c.seed + 100), x.shape, x.dtype), y=y, dim=dim, note=c.note)


def ce_cases():
    for n, (N, C, scale, dtype) in enumerate(
        [(8, 5, 2.0, "float32"), (6, 10, 3.0, "float64"), (1, 3, 1.0, "float32"), (4, 4, 2.0, "float64")]
    ):
        s = 52100 + n
        rng = seeded(s)
        yield case(
            f"N{N}_C{C}",
            s,
            logits=randn(rng, (N, C), dtype, scale),
            targets=rng.integers(0, C, N),
            note={1: "one example", 4: "N == C: logp[:, targets] is also (N, N), no error to warn you"}.get(N, ""),
        )
    for rng, (N, C), dtype, s in fresh([(8, 5), (1, 3)], seed=52150, n=1):  # sizes drawn afresh
        C = max(C, 2)
        yield case("fresh", s, logits=randn(rng, (N, C), dtype, 2.0), targets=rng.integers(0, C, N))
    s = 52110
    rng = seeded(s)
    yield case(
        "spread_300",
        s,
        logits=randn(rng, (5, 6), "float32", 300.0),
        targets=rng.integers(0, 6, 5),
        note="logits spread over hundreds: softmax underflows to 0 and log(0) = -inf; use x - logsumexp(x)",
    )


# -- known mistakes -----------------------------------------------------------------------------------


def _softmax_no_max(x, dim=-1):
    import torch

    e = torch.exp(x)
    return e / e.sum(dim=dim, keepdim=True)


def _softmax_no_keepdim(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim)  # (N,) lines up with the last axis: an error, or silently wrong when square


def _backward_diagonal(dy, y, dim=-1):
    return dy * y * (1 - y)


def _ce_all_columns(logits, targets):
    from reference_impls.torch.softmax_torch import log_softmax

    return -log_softmax(logits, -1)[:, targets].mean()


def _ce_naive_log(logits, targets):
    import torch

    p = torch.exp(logits - logits.amax(-1, keepdim=True))
    p = p / p.sum(-1, keepdim=True)
    return -torch.log(p)[torch.arange(len(targets)), targets].mean()


def _ce_sum(logits, targets):
    from reference_impls.torch.softmax_torch import cross_entropy

    return cross_entropy(logits, targets) * logits.size(0)


def _ce_grad_not_mean(logits, targets):
    from reference_impls.torch.softmax_torch import cross_entropy_backward

    return cross_entropy_backward(logits, targets) * logits.size(0)


EXERCISE = scoped(
    Exercise.of(
        info("softmax_torch"),
        preamble=PREAMBLE,
        task="""No F.softmax, F.log_softmax, F.cross_entropy or autograd here (they are the oracles): tensors ops only.

1. softmax(x, dim=-1): exp(x - max) / sum(exp(x - max)) along dim, keepdim=True on the reductions.
2. softmax_backward(dy, y, dim=-1): the gradient of sum(dy * softmax(x)) w.r.t. x from y = softmax(x):
   the Jacobian is diag(y) - y y^T, so dx = y * (dy - sum(dy * y, dim, keepdim=True)).
3. log_softmax(x, dim=-1) = x - logsumexp(x): x - max - log(sum(exp(x - max))).
4. cross_entropy(logits (N, C), targets (N,) int64): a 0-d tensor,
       -log(softmax(logits))[range(N), targets].mean()    computed stably as -log_softmax(...)[...]
   Index with BOTH torch.arange(N) and targets: logp[:, targets] is an (N, N) block.
5. cross_entropy_backward(logits, targets): d loss / d logits = (softmax(logits) - onehot(targets)) / N.
Compute in the input's dtype: float64 in, float64 arithmetic (an upcast of half precision to float32,
as Hugging Face's models do, is fine; a downcast of float64 to float32 loses 9 digits and fails).
Check by hand: uniform logits over C classes give log C.""",
        entry_points=(
            EntryPoint("softmax", "(x, dim=-1)", "Same shape and dtype as x."),
            EntryPoint("softmax_backward", "(dy, y, dim=-1)", "dx, same shape and dtype as y."),
            EntryPoint("log_softmax", "(x, dim=-1)", "Same shape and dtype as x."),
            EntryPoint("cross_entropy", "(logits, targets)", "A 0-d tensor: the mean negative log-likelihood."),
            EntryPoint("cross_entropy_backward", "(logits, targets)", "(N, C): the gradient of the mean loss."),
        ),
        checks=(
            Check(
                "softmax",
                "softmax",
                softmax_cases,
                call=fn_call("softmax"),
                tolerance=TOL,
                description="float32/64, dim -1 / 0 / 1, logits near 1000, rows at different scales, square (keepdim trap)",
            ),
            Check(
                "softmax_backward",
                "softmax_backward",
                backward_cases,
                call=fn_call("softmax_backward"),
                tolerance=TOL,
                description="the same shapes",
            ),
            Check(
                "log_softmax",
                "log_softmax",
                softmax_cases,
                call=fn_call("log_softmax"),
                tolerance=TOL,
                description="the same cases",
            ),
            Check(
                "cross_entropy",
                "cross_entropy",
                ce_cases,
                call=fn_call("cross_entropy"),
                tolerance=TOL,
                description="float32/64, N 1 / 4 / 6 / 8, N == C, logits spread over hundreds",
            ),
            Check(
                "cross_entropy_backward",
                "cross_entropy_backward",
                ce_cases,
                call=fn_call("cross_entropy_backward"),
                tolerance=TOL,
                description="the same cases",
            ),
        ),
        probes=(
            Probe(
                float32_hint("result"),
                when=computed_in_float32,
                checks=("softmax", "softmax_backward", "log_softmax", "cross_entropy", "cross_entropy_backward"),
            ),
            Probe(
                "no max subtraction: exp overflows for logits >= 89 in float32; subtract x.amax(dim, keepdim=True) first",
                impl={"softmax": _softmax_no_max},
            ),
            Probe(
                "subtracted the max of the whole tensor (x.max()), not each row's: rows far below it underflow to "
                "0 / 0 (log 0 in log_softmax); use x.amax(dim, keepdim=True)",
                impl="wrong/softmax_torch/global_max.py",
                checks=("softmax", "log_softmax"),
            ),
            Probe(
                "keepdim missing: a reduction along dim must keep it (keepdim=True) to broadcast back along the same axis",
                impl={"softmax": _softmax_no_keepdim},
            ),
            Probe(
                "only the Jacobian's diagonal y (1 - y): the off-diagonal -y_i y_j terms give "
                "dx = y * (dy - sum(dy * y, dim, keepdim=True))",
                impl={"softmax_backward": _backward_diagonal},
            ),
            Probe(
                "logp[:, targets] picks an (N, N) block: use logp[torch.arange(N), targets], one entry per row",
                impl={"cross_entropy": _ce_all_columns},
            ),
            Probe(
                "log(softmax(x)) underflows to log(0) = -inf for far-apart logits: use log_softmax = x - logsumexp(x)",
                impl={"cross_entropy": _ce_naive_log},
            ),
            Probe(
                "summed over the batch: cross-entropy is the MEAN over the N examples", impl={"cross_entropy": _ce_sum}
            ),
            Probe(
                "the gradient of the MEAN loss carries 1 / N: (softmax - onehot) / N",
                impl={"cross_entropy_backward": _ce_grad_not_mean},
            ),
            Probe(
                "the one-hot is subtracted in the wrong place: d loss / d logits[n, c] = (p[n, c] - [c == targets[n]]) / N",
                impl="wrong/softmax_torch/onehot_wrong_axis.py",
                checks=("cross_entropy_backward",),
            ),
        ),
    )
)
