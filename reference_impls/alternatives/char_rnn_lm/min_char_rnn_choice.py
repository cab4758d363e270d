"""Correct, in the style of Karpathy's min-char-rnn.py and makemore: char_to_ix / ix_to_char dictionaries,
a loop over time that keeps every hidden state in a dict (hs[-1] the initial one), the loss as
-log(ps[t][target]) summed and then averaged, and sampling with a probability vector handed to
rng.choice (min-char-rnn's np.random.choice(range(vocab_size), p=p.ravel()), from a seeded Generator).
Adapted to the task's contract: an embedding row instead of a one-hot column, row-major batches,
both RNN biases, a log-softmax shifted by each position's max, and temperature dividing the logits.
Generator.choice(V, p=p) draws one u = rng.random() and returns the first i with cumsum(p)[i] > u,
the inverse-CDF rule the task states."""

import numpy as np


def build_vocab(text):
    return sorted(list(set(text)))


def encode(text, chars):
    char_to_ix = {ch: i for i, ch in enumerate(chars)}
    return np.array([char_to_ix[ch] for ch in text], dtype=np.int64)


def decode(ids, chars):
    ix_to_char = dict(enumerate(chars))
    return "".join(ix_to_char[int(ix)] for ix in ids)


def make_windows(ids, seq_len):
    ids = np.asarray(ids, dtype=np.int64)
    inputs, targets = [], []
    p = 0
    while p + seq_len + 1 <= len(ids):
        inputs.append(ids[p : p + seq_len])
        targets.append(ids[p + 1 : p + seq_len + 1])
        p += seq_len
    if not inputs:
        return np.zeros((0, seq_len), np.int64), np.zeros((0, seq_len), np.int64)
    return np.stack(inputs), np.stack(targets)


def train_val_split(ids, val_fraction=0.1):
    n_train = int(len(ids) * (1 - val_fraction))
    return ids[:n_train], ids[n_train:]


def rnn_lm_forward(X, params, h0=None):
    Wxh, Whh, Why = params["W_ih"], params["W_hh"], params["W_hy"]
    bh, by = params["b_ih"] + params["b_hh"], params["b_y"]
    B, T = X.shape
    hs = {-1: np.zeros((B, Whh.shape[0]), dtype=Whh.dtype) if h0 is None else h0}
    ys = np.empty((B, T, Why.shape[0]), dtype=Why.dtype)
    for t in range(T):
        xs = params["embedding"][X[:, t]]
        hs[t] = np.tanh(xs @ Wxh.T + hs[t - 1] @ Whh.T + bh)
        ys[:, t] = hs[t] @ Why.T + by
    return ys, hs[T - 1]


def _log_probs(ys):
    shifted = ys - ys.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def lm_loss(logits, Y):
    logps = _log_probs(logits)
    loss = 0.0
    for idx in np.ndindex(*Y.shape):
        loss += -logps[idx][Y[idx]]
    return (loss / Y.size).astype(logits.dtype)


def perplexity(logits, Y):
    return np.exp(lm_loss(logits, Y))


def sample(params, start_id, n, temperature=1.0, rng=None, h0=None):
    rng = np.random.default_rng() if rng is None else rng
    h = h0
    ix = start_id
    ixes = []
    for _ in range(n):
        y, h = rnn_lm_forward(np.array([[ix]]), params, h)
        z = y[0, -1] / temperature
        p = np.exp(z - np.max(z)) / np.sum(np.exp(z - np.max(z)))
        ix = int(rng.choice(len(p), p=p))
        ixes.append(ix)
    return np.array(ixes, dtype=np.int64)
