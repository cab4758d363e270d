"""Exercises of Module 0.4: a vanilla RNN with BPTT, an LSTM cell and a GRU cell (PyTorch's layouts)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._cases import LOOSE, randn
from reference_impls.exercises._fresh import fresh

SIZES = [(1, 1, 1), (4, 3, 5), (2, 8, 6)]  # (N, D, H)


def _weights(rng, d, h, gates, dtype):
    bound = 1 / np.sqrt(h)  # PyTorch's init range
    return [
        rng.uniform(-bound, bound, s).astype(dtype)
        for s in ((gates * h, d), (gates * h, h), (gates * h,), (gates * h,))
    ]


def _cell_inputs(seed, gates, extra_state=False):
    for j, (n, d, h) in enumerate(SIZES):
        for dtype in ("float32", "float64"):
            s = seed + 2 * j + (dtype == "float64")
            rng = np.random.default_rng(s)
            x, hh = randn(rng, (n, d), dtype), randn(rng, (n, h), dtype)
            state = (x, hh) + ((randn(rng, (n, h), dtype),) if extra_state else ())
            yield f"n{n}_d{d}_h{h}", s, rng, state, _weights(rng, d, h, gates, dtype)
    for rng, (n, d, h), dtype, s in fresh([(4, 3, 5), (1, 1, 1)], seed=seed + 50, n=1):  # sizes drawn afresh
        x, hh = randn(rng, (n, d), dtype), randn(rng, (n, h), dtype)
        state = (x, hh) + ((randn(rng, (n, h), dtype),) if extra_state else ())
        yield "fresh", s, rng, state, _weights(rng, d, h, gates, dtype)


def rnn_cell_cases():
    for name, s, _, (x, h), W in _cell_inputs(24000, 1):
        yield Case(name, (x, h, *W), seed=s)


def rnn_seq_inputs(seed):
    for j, (t, n, d, h) in enumerate([(1, 2, 3, 4), (5, 3, 2, 6), (12, 1, 4, 3)]):
        dtype = "float64" if j % 2 else "float32"
        rng = np.random.default_rng(seed + j)
        yield (
            f"T{t}_n{n}_d{d}_h{h}",
            seed + j,
            rng,
            randn(rng, (t, n, d), dtype),
            randn(rng, (n, h), dtype),
            _weights(rng, d, h, 1, dtype),
        )
    for rng, (t, n, d, h), dtype, s in fresh([(5, 3, 2, 6), (1, 2, 3, 4)], seed=seed + 50, n=1):  # drawn afresh
        yield "fresh", s, rng, randn(rng, (t, n, d), dtype), randn(rng, (n, h), dtype), _weights(rng, d, h, 1, dtype)


def rnn_forward_cases():
    for name, s, _, xs, h0, W in rnn_seq_inputs(24100):
        yield Case(name, (xs, h0, *W), seed=s)
    _, s, _, xs, h0, W = next(rnn_seq_inputs(24150))
    yield Case("empty_sequence", (xs[:0], h0, *W), seed=s, note="T = 0: no steps, hs of shape (0, N, H)", zero_ok=True)


def rnn_backward_cases():
    for name, s, rng, xs, h0, W in rnn_seq_inputs(24200):
        yield Case(
            name,
            (randn(rng, xs.shape[:2] + h0.shape[1:], xs.dtype), xs, h0, *W),
            seed=s,
            note="a loss on every step: dhs[t] reaches h_t directly and through h_{t+1}",
        )
    _, s, rng, xs, h0, W = next(rnn_seq_inputs(24300))
    dhs = np.zeros(xs.shape[:2] + h0.shape[1:], xs.dtype)
    dhs[-1] = 1
    yield Case("last_step_only", (dhs, xs, h0, *W), seed=s, note="many-to-one: only h_T gets a gradient from the loss")
    rng = np.random.default_rng(24400)
    xs, h0, W = randn(rng, (10, 2, 3), "float64"), randn(rng, (2, 8), "float64"), _weights(rng, 3, 8, 1, "float64")
    yield Case(
        "large_gradients",
        (20 * randn(rng, (10, 2, 8), "float64"), xs, h0, *W),
        seed=24400,
        note="a loss scaled by 20: weight gradients well above 5, where a clip (min-char-rnn's [-5, 5]) shows",
    )


def _clipped(case, actual, expected):
    """True where a weight gradient equals the reference's clipped elementwise to [-m, m] (m its largest |value|)."""
    try:
        pairs = [(np.asarray(a, float), np.asarray(e, float)) for a, e in zip(actual[2:], expected[2:], strict=True)]
    except (TypeError, ValueError):
        return False
    m = max((np.abs(a).max() for a, _ in pairs if a.size), default=0.0)
    return (
        m > 0
        and all(a.shape == e.shape for a, e in pairs)
        and any(not np.allclose(a, e) for a, e in pairs)
        and all(np.allclose(a, np.clip(e, -m, m), rtol=1e-6, atol=1e-9) for a, e in pairs)
    )


def _bptt_dh0_zero(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh):
    from reference_impls.numpy.rnn import rnn_backward

    g = rnn_backward(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh)
    return (g[0], np.zeros_like(h0), *g[2:])


def _forward_with_h0(xs, h0, W_ih, W_hh, b_ih, b_hh):
    from reference_impls.numpy.rnn import rnn_forward

    return np.concatenate([h0[None], rnn_forward(xs, h0, W_ih, W_hh, b_ih, b_hh)])


def _bptt_no_carry(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh):
    """Every step's gradient only from dhs[t]: the path through h_{t+1} is dropped."""
    from reference_impls.numpy.rnn import rnn_cell_backward, rnn_forward

    hs = rnn_forward(xs, h0, W_ih, W_hh, b_ih, b_hh)
    dxs, dW_ih, dW_hh = np.zeros_like(xs), np.zeros_like(W_ih), np.zeros_like(W_hh)
    db, dh0 = np.zeros_like(b_ih), np.zeros_like(h0)
    for t in reversed(range(len(xs))):
        dx, dh_prev, dwi, dwh, dbi, _ = rnn_cell_backward(dhs[t], xs[t], hs[t - 1] if t else h0, hs[t], W_ih, W_hh)
        dxs[t], dW_ih, dW_hh, db = dx, dW_ih + dwi, dW_hh + dwh, db + dbi
        dh0 = dh_prev if t == 0 else dh0
    return dxs, dh0, dW_ih, dW_hh, db, db.copy()


RNN = Exercise.of(
    info("rnn_bptt"),
    task="""An Elman RNN with torch.nn.RNNCell's weight layout:

    h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)     W_ih (H, D), W_hh (H, H), b_ih, b_hh (H,)

1. rnn_cell(x, h, ...) -> h_new (N, H).
2. rnn_cell_backward(dh_new, x, h, h_new, W_ih, W_hh) -> (dx, dh, dW_ih, dW_hh, db_ih, db_hh) for one
   step, given the cell's output h_new (tanh' = 1 - h_new^2).
3. rnn_forward(xs (T, N, D), h0 (N, H), ...) -> hs (T, N, H), every hidden state.
4. rnn_backward(dhs (T, N, H), xs, h0, ...) -> (dxs, dh0, dW_ih, dW_hh, db_ih, db_hh): BPTT. Walk
   back in time; the gradient reaching h_t is dhs[t] PLUS what flows back from h_{t+1}; the
   weight gradients add up over the steps.
Then measure how |dxs[0]| shrinks as T grows with small W_hh (vanishing gradients).""",
    entry_points=(
        EntryPoint("rnn_cell", "(x, h, W_ih, W_hh, b_ih, b_hh)", "The next hidden state (N, H)."),
        EntryPoint(
            "rnn_cell_backward",
            "(dh_new, x, h, h_new, W_ih, W_hh)",
            "(dx, dh, dW_ih, dW_hh, db_ih, db_hh) for one step.",
        ),
        EntryPoint("rnn_forward", "(xs, h0, W_ih, W_hh, b_ih, b_hh)", "All hidden states (T, N, H)."),
        EntryPoint("rnn_backward", "(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh)", "(dxs, dh0, dW_ih, dW_hh, db_ih, db_hh)."),
    ),
    checks=(
        Check(
            "cell", "rnn_cell", rnn_cell_cases, tolerance=LOOSE, description="3 sizes incl. N = D = H = 1, float32/64"
        ),
        Check(
            "cell_backward",
            "rnn_cell_backward",
            lambda: (
                Case(
                    c.name,
                    (
                        randn(np.random.default_rng(c.seed), c.args[1].shape, c.args[0].dtype),
                        c.args[0],
                        c.args[1],
                        _rnn_out(c),
                        c.args[2],
                        c.args[3],
                    ),
                    seed=c.seed,
                )
                for c in rnn_cell_cases()
            ),
            tolerance=LOOSE,
            description="the same sizes",
        ),
        Check("forward", "rnn_forward", rnn_forward_cases, tolerance=LOOSE, description="T = 1, 5, 12"),
        Check(
            "bptt",
            "rnn_backward",
            rnn_backward_cases,
            tolerance=LOOSE,
            description="T = 1, 5, 12, loss on every step; loss on the last step only; a large loss (T = 10)",
        ),
    ),
    probes=(
        Probe(
            "BPTT drops the path through time: the gradient reaching h_t is dhs[t] PLUS the gradient flowing back "
            "from h_{t+1} (dh_next = da_{t+1} @ W_hh)",
            impl={"rnn_backward": _bptt_no_carry},
        ),
        Probe(
            "tanh's derivative is 1 - h_new^2, from the cell's OUTPUT (not 1 - h^2 of the previous state)",
            impl="wrong/rnn_bptt/tanh_grad_of_input.py",
            checks=("cell_backward", "bptt"),
        ),
        Probe(
            "the weight gradients are clipped: return them as they are; clipping (min-char-rnn's np.clip(d, -5, 5)) "
            "belongs in the training step, after the gradient",
            when=_clipped,
            checks=("bptt",),
        ),
        Probe(
            "dh0 is the gradient flowing out of step 0 into the initial state (dh_next after the loop), not zeros: "
            "h0 is an input too (it carries the state across chunks)",
            impl={"rnn_backward": _bptt_dh0_zero},
        ),
        Probe(
            "b_ih and b_hh are added to the same pre-activation, so each gets the full da.sum(0) (not zeros, not "
            "half each)",
            impl="wrong/rnn_bptt/hidden_bias_grad_missing.py",
        ),
        Probe(
            "hs holds h_1 .. h_T, one state per input step, shape (T, N, H): not h0 as its first row",
            impl={"rnn_forward": _forward_with_h0},
        ),
    ),
)


def _rnn_out(case):
    from reference_impls.numpy.rnn import rnn_cell

    return rnn_cell(*case.args)


def lstm_cases():
    for name, s, _, (x, h, c), W in _cell_inputs(25000, 4, extra_state=True):
        yield Case(name, (x, h, c, *W), seed=s)


def lstm_backward_cases():
    for name, s, rng, (x, h, c), W in _cell_inputs(25100, 4, extra_state=True):
        yield Case(
            name,
            (randn(rng, h.shape, x.dtype), randn(rng, h.shape, x.dtype), x, h, c, *W),
            seed=s,
            note="gradients arrive at both h' and c' (from the next step)",
        )


def _lstm_order(order):
    def cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
        from reference_impls.numpy.lstm import lstm_cell

        perm = lambda w: np.concatenate([np.split(w, 4)[i] for i in order])
        return lstm_cell(x, h, c, perm(W_ih), perm(W_hh), perm(b_ih), perm(b_hh))

    return cell


LSTM = Exercise.of(
    info("lstm_cell"),
    task="""torch.nn.LSTMCell: W_ih (4H, D), W_hh (4H, H), b_ih, b_hh (4H,), gates stacked in the order
i, f, g, o (input, forget, cell candidate, output):

    gates = x W_ih^T + b_ih + h W_hh^T + b_hh;   i, f, o = sigmoid(.), g = tanh(.)
    c' = f * c + i * g;   h' = o * tanh(c')

1. lstm_cell(x, h, c, ...) -> (h', c').
2. lstm_cell_backward(dh', dc', x, h, c, ...) -> (dx, dh, dc, dW_ih, dW_hh, db_ih, db_hh). The
   gradient reaching c' is dc' plus dh' * o * (1 - tanh(c')^2); then through each gate.
Count the parameters: 4 (H D + H H + 2 H). Why does the c -> c' path help long sequences?""",
    entry_points=(
        EntryPoint("lstm_cell", "(x, h, c, W_ih, W_hh, b_ih, b_hh)", "(h_new, c_new), each (N, H)."),
        EntryPoint(
            "lstm_cell_backward",
            "(dh_new, dc_new, x, h, c, W_ih, W_hh, b_ih, b_hh)",
            "(dx, dh, dc, dW_ih, dW_hh, db_ih, db_hh).",
        ),
    ),
    checks=(
        Check("forward", "lstm_cell", lstm_cases, tolerance=LOOSE, description="3 sizes incl. H = 1, float32/64"),
        Check("backward", "lstm_cell_backward", lstm_backward_cases, tolerance=LOOSE, description="the same sizes"),
    ),
    probes=(
        Probe(
            "PyTorch's gate order is i, f, g, o (input, forget, cell, output) in the rows of W_ih / W_hh",
            impl={"lstm_cell": _lstm_order([0, 1, 3, 2])},
        ),
        Probe(
            "PyTorch's gate order is i, f, g, o (input, forget, cell, output) in the rows of W_ih / W_hh",
            impl={"lstm_cell": _lstm_order([1, 0, 2, 3])},
        ),
        Probe(
            "the gradient reaching c' has two paths: dc' from the next step plus dh' * o * (1 - tanh(c')^2)",
            impl="wrong/lstm_cell/dc_one_path.py",
            checks=("backward",),
        ),
        Probe(
            "torch.nn.LSTMCell adds no constant to the forget gate: f = sigmoid(gates[:, H:2H]); a forget bias of 1 "
            "belongs in the initial b_ih / b_hh, not in the cell",
            impl="wrong/lstm_cell/forget_bias_plus_one.py",
            checks=("forward",),
        ),
        Probe(
            "the derivative of tanh(c') is 1 - tanh(c')^2, of the tanh's OUTPUT (not 1 - c'^2): "
            "dc = dc' + dh' * o * (1 - tanh(c')^2)",
            impl="wrong/lstm_cell/tanh_grad_of_cell.py",
            checks=("backward",),
        ),
        Probe(
            "c' = f * c + ...: the gradient to the previous cell state is dc * f (the forget gate scales it), "
            "not dc itself",
            impl="wrong/lstm_cell/dc_prev_without_forget.py",
            checks=("backward",),
        ),
    ),
)


def gru_cases():
    for name, s, _, (x, h), W in _cell_inputs(26000, 3):
        yield Case(name, (x, h, *W), seed=s)


def gru_backward_cases():
    for name, s, rng, (x, h), W in _cell_inputs(26100, 3):
        yield Case(name, (randn(rng, h.shape, x.dtype), x, h, *W), seed=s)


def _gru_paper(x, h, W_ih, W_hh, b_ih, b_hh):
    """Cho et al.'s candidate, W_hn (r * h) + b_hn, instead of PyTorch's r * (W_hn h + b_hn)."""
    H = h.shape[1]
    sig = lambda v: 1 / (1 + np.exp(-v))
    gi, gh = x @ W_ih.T + b_ih, h @ W_hh.T + b_hh
    r, z = sig(gi[:, :H] + gh[:, :H]), sig(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = np.tanh(gi[:, 2 * H :] + (r * h) @ W_hh[2 * H :].T + b_hh[2 * H :])
    return (1 - z) * n + z * h


def _gru_z_swapped(x, h, W_ih, W_hh, b_ih, b_hh):
    from reference_impls.numpy.gru import _gates

    _r, z, n, _ = _gates(x, h, W_ih, W_hh, b_ih, b_hh)
    return z * n + (1 - z) * h


GRU = Exercise.of(
    info("gru_cell"),
    task="""torch.nn.GRUCell: W_ih (3H, D), W_hh (3H, H), b_ih, b_hh (3H,), gates in the order r, z, n:

    gi = x W_ih^T + b_ih;  gh = h W_hh^T + b_hh
    r = sigmoid(gi_r + gh_r);  z = sigmoid(gi_z + gh_z)
    n = tanh(gi_n + r * gh_n)          (PyTorch: r multiplies W_hn h + b_hn, bias included)
    h' = (1 - z) * n + z * h

1. gru_cell(x, h, ...) -> h'.
2. gru_cell_backward(dh', x, h, ...) -> (dx, dh, dW_ih, dW_hh, db_ih, db_hh). Note that db_hh's n
   part gets r * da_n while db_ih's gets da_n.
Compare its parameter count with the LSTM's: 3 (H D + H H + 2 H) against 4 (...).""",
    entry_points=(
        EntryPoint("gru_cell", "(x, h, W_ih, W_hh, b_ih, b_hh)", "h_new (N, H)."),
        EntryPoint(
            "gru_cell_backward", "(dh_new, x, h, W_ih, W_hh, b_ih, b_hh)", "(dx, dh, dW_ih, dW_hh, db_ih, db_hh)."
        ),
    ),
    checks=(
        Check("forward", "gru_cell", gru_cases, tolerance=LOOSE, description="3 sizes incl. H = 1, float32/64"),
        Check("backward", "gru_cell_backward", gru_backward_cases, tolerance=LOOSE, description="the same sizes"),
    ),
    probes=(
        Probe(
            "PyTorch's GRU applies r after the hidden matmul: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), "
            "not W_hn (r * h) as in Cho et al.",
            impl={"gru_cell": _gru_paper},
        ),
        Probe(
            "h' = (1 - z) * n + z * h: z keeps the OLD state (PyTorch's convention)", impl={"gru_cell": _gru_z_swapped}
        ),
        Probe(
            "the hidden-side gradient of the n gate is r * da_n (r multiplies W_hn h + b_hn): db_hh[2H:] and dW_hh[2H:] "
            "get r * da_n, db_ih[2H:] gets da_n",
            impl="wrong/gru_cell/hidden_n_grad_without_r.py",
            checks=("backward",),
        ),
        Probe(
            "h' = (1 - z) * n + z * h also reaches h directly: dh = (the gates' part) @ W_hh + dh' * z",
            impl="wrong/gru_cell/dh_without_direct_path.py",
            checks=("backward",),
        ),
        Probe(
            "from h' = (1 - z) * n + z * h, dz = dh' * (h - n) (not n - h): z weighs the OLD state",
            impl="wrong/gru_cell/dz_sign_flipped.py",
            checks=("backward",),
        ),
    ),
)

EXERCISES = [RNN, LSTM, GRU]
