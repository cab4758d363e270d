"""Exercise: a character-level RNN language model in NumPy: the dataset, the teacher-forced forward
pass, perplexity, and sampling (Module 0.4's capstone, steps 1, 2 and 6)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.data import CHAR_LM_TEXT
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe
from reference_impls.exercises._cases import LOOSE

TEXTS = [
    ("hello", "hello world"),
    ("repeats", "abracadabra"),
    ("unicode", "naïve café, ½ ∑ — ok"),
    ("one_char", "zzzz"),
]


def _shakespeare(n=3000):
    return CHAR_LM_TEXT.read_text(encoding="utf-8")[:n]


def vocab_cases():
    for name, text in TEXTS:
        yield Case(name, (text,))
    yield Case("coriolanus_3000", (_shakespeare(),), note="the excerpt's first 3000 characters")


def _round_trip(impl, text):
    chars = impl.build_vocab(text)
    ids = impl.encode(text, chars)
    return {"ids": np.asarray(ids), "decoded": impl.decode(ids, chars)}


def encode_cases():
    for name, text in TEXTS:
        yield Case(name, (text,), note="ids are positions in sorted(set(text)); decode(encode(text)) == text")


def window_cases():
    ids = np.arange(100, 123, dtype=np.int64)
    yield Case("23_ids_T5", (ids, 5), note="(23 - 1) // 5 = 4 windows; the tail is dropped")
    yield Case("21_ids_T5", (ids[:21], 5), note="exactly 4 windows: the last target is the 21st id")
    yield Case("T1", (ids[:6], 1))
    yield Case("too_short", (ids[:5], 8), note="fewer than seq_len + 1 ids: no window, X and Y of shape (0, 8)")


def split_cases():
    ids = np.arange(57, dtype=np.int64)
    for frac in (0.1, 0.25, 0.0):
        yield Case(
            f"val{frac}",
            (ids + 1,),
            {"val_fraction": frac},
            note="the first int(len * (1 - val_fraction)) ids train; no shuffling (text is ordered)",
        )


def _params(V, E, H, dtype, rng):
    """Weights named and shaped as torch's Embedding, RNN (layer 0) and Linear head."""
    s = 1 / np.sqrt(H)  # torch's init range, widened for W_hh / W_hy to make the dynamics visible
    params = {
        "embedding": rng.standard_normal((V, E)),
        "W_ih": rng.uniform(-s, s, (H, E)),
        "W_hh": rng.uniform(-2 * s, 2 * s, (H, H)),
        "b_ih": rng.uniform(-s, s, H),
        "b_hh": rng.uniform(-s, s, H),
        "W_hy": rng.uniform(-3 * s, 3 * s, (V, H)),
        "b_y": rng.uniform(-s, s, V),
    }
    return {k: v.astype(dtype) for k, v in params.items()}


def forward_cases():
    seed = 22000
    for B, T, with_h0 in [(3, 7, False), (1, 1, True), (2, 12, True)]:
        for dtype in ("float32", "float64"):
            seed += 1
            rng = np.random.default_rng(seed)
            params = _params(11, 5, 8, dtype, rng)
            h0 = (rng.standard_normal((B, 8)) * 0.5).astype(dtype) if with_h0 else None
            yield Case(
                f"B{B}_T{T}{'_h0' if with_h0 else ''}",
                (rng.integers(0, 11, (B, T)), params),
                {"h0": h0},
                seed=seed,
                note="h carries over from step to step; h0 None means zeros" if not with_h0 else "a given h0",
            )


def loss_cases():
    for j, (shape, V) in enumerate([((3, 7), 11), ((1, 1), 5), ((2, 4), 58)]):
        rng = np.random.default_rng(22100 + j)
        yield Case(
            f"B{shape[0]}_T{shape[1]}_V{V}",
            (rng.standard_normal(shape + (V,)) * 3, rng.integers(0, V, shape)),
            seed=22100 + j,
        )
    rng = np.random.default_rng(22150)
    yield Case(
        "rows_at_different_scales",
        (
            rng.standard_normal((2, 3, 6)) * 3 + np.array([0.0, 800.0, -900.0])[None, :, None],
            rng.integers(0, 6, (2, 3)),
        ),
        seed=22150,
        note="positions whose logits sit near 0, +800 and -900: the max is each position's own (exp overflows past 709)",
    )
    yield Case(
        "uniform_V58",
        (np.zeros((2, 3, 58)), np.zeros((2, 3), dtype=np.int64)),
        note="a uniform guess over 58 characters: perplexity exactly 58",
    )
    yield Case(
        "confident",
        (np.array([[[8.0, 0.0, -8.0]]]), np.array([[0]])),
        note="a confident right guess: loss ~3e-4, perplexity ~1",
    )


def _sample(impl, params, start_id, n, temperature, seed):
    return np.asarray(impl.sample(params, start_id, n, temperature, np.random.default_rng(seed)), dtype=np.int64)


def sample_cases():
    params = _params(9, 4, 6, "float64", np.random.default_rng(22200))
    for temperature, seed in [(1.0, 1), (0.5, 2), (2.0, 3), (1.0, 4), (0.0005, 5)]:
        yield Case(
            f"temperature{temperature}_seed{seed}",
            (params, 3, 25, temperature, seed),
            seed=seed,
            note="u = rng.random() per step; next = first i with cumsum(p)[i] > u; feed it back in",
        )


# -- known mistakes -----------------------------------------------------------------------------------------


def _vocab_in_order_of_appearance(text):
    return list(dict.fromkeys(text))


def _windows_not_shifted(ids, seq_len):
    n = max(len(ids) - 1, 0) // seq_len
    X = ids[: n * seq_len].reshape(n, seq_len)
    return X.copy(), X.copy()


def _perplexity_base2(logits, Y):
    from reference_impls.numpy.char_rnn_lm import lm_loss

    return 2 ** lm_loss(logits, Y)


def _greedy(params, start_id, n, temperature=1.0, rng=None, h0=None):
    from reference_impls.numpy.char_rnn_lm import rnn_lm_forward

    h, x, out = h0, np.array([[start_id]]), []
    for _ in range(n):
        logits, h = rnn_lm_forward(x, params, h)
        rng.random()
        out.append(int(np.argmax(logits[0, -1])))
        x = np.array([[out[-1]]])
    return np.array(out, dtype=np.int64)


def _windows_overlapping(ids, seq_len):
    n = max(len(ids) - seq_len, 0)
    X = np.array([ids[i : i + seq_len] for i in range(n)], dtype=np.int64).reshape(n, seq_len)
    Y = np.array([ids[i + 1 : i + seq_len + 1] for i in range(n)], dtype=np.int64).reshape(n, seq_len)
    return X, Y


def _loss_over_batch_only(logits, Y):
    from reference_impls.numpy.char_rnn_lm import lm_loss

    return lm_loss(logits, Y) * (Y.size / max(len(Y), 1))


def _sample_with_start(params, start_id, n, temperature=1.0, rng=None, h0=None):
    from reference_impls.numpy.char_rnn_lm import sample

    return np.concatenate([[start_id], sample(params, start_id, n - 1, temperature, rng, h0)]).astype(np.int64)


def _sample_temperature_times(params, start_id, n, temperature=1.0, rng=None, h0=None):
    from reference_impls.numpy.char_rnn_lm import sample

    return sample(params, start_id, n, 1 / temperature, rng, h0)  # logits * T == logits / (1 / T)


EXERCISE = Exercise.of(
    info("char_rnn_lm"),
    task="""Module 0.4's capstone in NumPy, on reference_impls/data/tiny_shakespeare_coriolanus.txt
(or any text).

The data (step 1):
1. build_vocab(text) -> sorted(set(text)), a list of characters (an id is a position in it);
   encode(text, chars) -> int64 ids; decode(ids, chars) -> the text.
2. make_windows(ids, seq_len) -> (X, Y), int64 (n, seq_len), n = (len(ids) - 1) // seq_len:
   non-overlapping inputs X[i] = ids[i T : (i+1) T] and targets shifted by one,
   Y[i] = ids[i T + 1 : (i+1) T + 1] (every position predicts the NEXT character).
3. train_val_split(ids, val_fraction) -> the first int(len (1 - val_fraction)) ids, the rest.
The model (step 2), torch.nn.Embedding + nn.RNN(batch_first=True) + nn.Linear's layouts:
params = embedding (V, E), W_ih (H, E), W_hh (H, H), b_ih, b_hh (H,), W_hy (V, H), b_y (V,).
4. rnn_lm_forward(X, params, h0=None) -> (logits (B, T, V), h_T (B, H)), with teacher forcing
   (each step reads the TRUE character X[:, t]): e_t = embedding[X[:, t]],
   h_t = tanh(e_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (h_0 zeros when None),
   logits_t = h_t W_hy^T + b_y. The params' dtype throughout.
Evaluation (step 6):
5. lm_loss(logits, Y): mean cross-entropy in nats over every position (stable log-softmax);
   perplexity(logits, Y) = exp(lm_loss): a uniform guess over V characters scores V.
6. sample(params, start_id, n, temperature, rng, h0=None) -> n int64 ids: free-running, each
   sampled id is fed back in. Per step p = softmax(logits / temperature), u = rng.random(), the
   next id is the first i with cumsum(p)[i] > u (np.searchsorted(cumsum, u, side='right'),
   capped at V - 1).
Train it with your BPTT from the rnn_bptt exercise (clip the gradients) and watch the validation
perplexity fall from 58 towards ~8.""",
    entry_points=(
        EntryPoint("build_vocab", "(text)", "sorted(set(text)): the list of distinct characters."),
        EntryPoint("encode", "(text, chars)", "int64 ids (len(text),)."),
        EntryPoint("decode", "(ids, chars)", "The text."),
        EntryPoint("make_windows", "(ids, seq_len)", "(X, Y) int64 (n, seq_len), Y shifted by one."),
        EntryPoint("train_val_split", "(ids, val_fraction=0.1)", "(train ids, val ids)."),
        EntryPoint("rnn_lm_forward", "(X, params, h0=None)", "(logits (B, T, V), h_T (B, H)), teacher-forced."),
        EntryPoint("lm_loss", "(logits, Y)", "Mean cross-entropy in nats, a scalar of the logits' dtype."),
        EntryPoint("perplexity", "(logits, Y)", "exp(lm_loss(logits, Y))."),
        EntryPoint("sample", "(params, start_id, n, temperature=1.0, rng=None, h0=None)", "n sampled ids, int64."),
    ),
    checks=(
        Check(
            "vocab",
            "build_vocab",
            vocab_cases,
            description="4 short texts incl. Unicode and one repeated character; 3000 characters of Coriolanus",
        ),
        Check(
            "encode_decode",
            "encode",
            encode_cases,
            call=_round_trip,
            description="the same texts: ids and the round trip",
        ),
        Check(
            "windows", "make_windows", window_cases, description="23 and 21 ids with T 5, T 1, too short for one window"
        ),
        Check("split", "train_val_split", split_cases, description="57 ids, val_fraction 0.1 / 0.25 / 0"),
        Check(
            "forward",
            "rnn_lm_forward",
            forward_cases,
            tolerance=LOOSE,
            description="V 11, E 5, H 8; B x T 3x7, 1x1 and 2x12 with h0; float32/64",
        ),
        Check("loss", "lm_loss", loss_cases, description="V 11 / 5 / 58; uniform logits; a confident right guess"),
        Check("perplexity", "perplexity", loss_cases, description="the same cases (uniform over 58: 58)"),
        Check("sample", "sample", sample_cases, call=_sample, description="25 ids at temperature 1 / 0.5 / 2, seeded"),
    ),
    probes=(
        Probe(
            "the vocabulary is SORTED: sorted(set(text)), not the order of first appearance",
            impl={"build_vocab": _vocab_in_order_of_appearance},
            checks=("vocab",),
        ),
        Probe(
            "the targets are the inputs shifted by ONE: Y[i] = ids[i T + 1 : (i + 1) T + 1]",
            impl={"make_windows": _windows_not_shifted},
            checks=("windows",),
        ),
        Probe(
            "the hidden state is not carried over: h_t depends on h_{t-1}, from h0 (zeros when None) on",
            impl="wrong/char_rnn_lm/state_reset.py",
            checks=("forward",),
        ),
        Probe(
            "perplexity is exp of the mean cross-entropy in NATS (np.exp), not 2 ** loss",
            impl={"perplexity": _perplexity_base2},
            checks=("perplexity",),
        ),
        Probe(
            "sampling took the argmax: draw the next id from softmax(logits / temperature) with u = rng.random()",
            impl={"sample": _greedy},
            checks=("sample",),
        ),
        Probe(
            "the windows do not overlap: window i starts at i * seq_len (stride seq_len), "
            "n = (len(ids) - 1) // seq_len of them",
            impl={"make_windows": _windows_overlapping},
            checks=("windows",),
        ),
        Probe(
            "lm_loss is the mean over all B * T positions, not the sum over time averaged over the batch",
            impl={"lm_loss": _loss_over_batch_only, "perplexity": lambda lg, Y: np.exp(_loss_over_batch_only(lg, Y))},
            checks=("loss", "perplexity"),
        ),
        Probe(
            "sample returns the n ids sampled AFTER start_id: start_id is the prompt, not the first output",
            impl={"sample": _sample_with_start},
            checks=("sample",),
        ),
        Probe(
            "the temperature DIVIDES the logits: p = softmax(logits / temperature) (below 1 sharper, above 1 flatter)",
            impl={"sample": _sample_temperature_times},
            checks=("sample",),
        ),
    ),
)
