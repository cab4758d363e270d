"""A character-level language model with a vanilla RNN, in NumPy: the dataset (vocabulary,
encoding, input / target windows), the teacher-forced forward pass and its loss, perplexity, and
sampling text one character at a time.

Data: chars = sorted(set(text)) (id = position), ids = encode(text); windows of seq_len inputs
X[i] = ids[i T : (i + 1) T] with targets shifted by one, Y[i] = ids[i T + 1 : (i + 1) T + 1]:
each position predicts the NEXT character. Non-overlapping, the leftover tail dropped.

Model (torch.nn.Embedding + nn.RNN(tanh, batch_first=True) + nn.Linear, their weight layouts):
    e_t = embedding[x_t]                                         (B, E)
    h_t = tanh(e_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)        (B, H), h_0 = 0 unless given
    logits_t = h_t W_hy^T + b_y                                  (B, V)
Teacher forcing: in training every step is fed the TRUE previous character (X), never the
model's own guess, so all T steps run from the data. Loss: mean cross-entropy over the B T
positions, in nats; perplexity = exp(loss) (a uniform guess over V characters scores V).
Sampling runs free: each sampled character is fed back in. Per step, p = softmax(logits / temperature)
and the next id is the first i with cumsum(p)[i] > u for u = rng.random() (inverse-CDF sampling,
so a seeded Generator reproduces the text).

Source: Karpathy 2015, "The Unreasonable Effectiveness of Recurrent Neural Networks" (char-rnn,
min-char-rnn.py); Elman 1990; Williams & Zipser 1989 (teacher forcing).
Limits: one layer; no training loop (backprop through time is the rnn_bptt exercise).
"""

import numpy as np


def build_vocab(text):
    return sorted(set(text))


def encode(text, chars):
    stoi = {c: i for i, c in enumerate(chars)}
    return np.fromiter((stoi[c] for c in text), np.int64, len(text))


def decode(ids, chars):
    return "".join(chars[i] for i in ids)


def make_windows(ids, seq_len):
    """(X, Y), both (n, seq_len) int64, n = (len(ids) - 1) // seq_len."""
    n = max(len(ids) - 1, 0) // seq_len
    X = ids[: n * seq_len].reshape(n, seq_len)
    Y = ids[1 : n * seq_len + 1].reshape(n, seq_len)  # the next character of every input
    return X.astype(np.int64), Y.astype(np.int64)


def train_val_split(ids, val_fraction=0.1):
    """The first int(len * (1 - val_fraction)) ids train, the rest validate (no shuffling: text is ordered)."""
    n = int(len(ids) * (1 - val_fraction))
    return ids[:n], ids[n:]


def rnn_lm_forward(X, params, h0=None):
    """X (B, T) ids -> (logits (B, T, V), h_T (B, H))."""
    W_hh = params["W_hh"]
    h = np.zeros((len(X), len(W_hh)), W_hh.dtype) if h0 is None else h0  # (B, H)
    logits = []
    for t in range(X.shape[1]):
        e = params["embedding"][X[:, t]]  # (B, E): teacher forcing, the true character
        h = np.tanh(e @ params["W_ih"].T + params["b_ih"] + h @ W_hh.T + params["b_hh"])
        logits.append(h @ params["W_hy"].T + params["b_y"])
    return np.stack(logits, axis=1), h


def lm_loss(logits, Y):
    """Mean cross-entropy (nats) of logits (..., V) against ids Y (...)."""
    y = Y.ravel()
    z = logits.reshape(len(y), logits.shape[-1])  # (N, V)
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(y)), y].mean()


def perplexity(logits, Y):
    return np.exp(lm_loss(logits, Y))


def sample(params, start_id, n, temperature=1.0, rng=None, h0=None):
    """n ids after start_id, each drawn from softmax(logits / temperature) and fed back in."""
    rng = rng if rng is not None else np.random.default_rng()
    h, x, out = h0, np.array([[start_id]]), []
    for _ in range(n):
        logits, h = rnn_lm_forward(x, params, h)
        z = logits.ravel() / temperature  # (V,): one sequence, one position
        p = np.exp(z - z.max())
        p /= p.sum()
        # the first i with cumsum(p)[i] > u; the last bin's bound left out, so a rounded sum below u stays in range
        nxt = int(np.searchsorted(np.cumsum(p)[:-1], rng.random(), side="right"))
        out.append(nxt)
        x = np.array([[nxt]])
    return np.fromiter(out, np.int64, len(out))
