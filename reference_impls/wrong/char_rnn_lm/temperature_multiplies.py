"""Wrong: multiplies the logits by the temperature (softmax(logits * T)), so T < 1 flattens and T > 1 sharpens."""

import numpy as np

from reference_impls.numpy.char_rnn_lm import *  # noqa: F403 - the rest is right
from reference_impls.numpy.char_rnn_lm import rnn_lm_forward

EXPECTED_HINT = "temperature DIVIDES the logits"


def sample(params, start_id, n, temperature=1.0, rng=None, h0=None):
    h, x, out = h0, np.array([[start_id]]), []
    for _ in range(n):
        logits, h = rnn_lm_forward(x, params, h)
        z = logits.ravel() * temperature  # the mistake: logits / temperature
        p = np.exp(z - z.max())
        p /= p.sum()
        nxt = int(np.searchsorted(np.cumsum(p)[:-1], rng.random(), side="right"))
        out.append(nxt)
        x = np.array([[nxt]])
    return np.array(out, dtype=np.int64)
