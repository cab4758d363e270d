"""Wrong: the targets are the inputs themselves (the model would learn to copy, not to predict)."""

from reference_impls.numpy.char_rnn_lm import *  # the rest is right

EXPECTED_HINT = "the targets are the inputs shifted by ONE"


def make_windows(ids, seq_len):
    n = max(len(ids) - 1, 0) // seq_len
    X = ids[: n * seq_len].reshape(n, seq_len)
    return X.copy(), X.copy()
