"""Wrong: windows at every offset (stride 1, as a sliding-window dataset), not the non-overlapping ones the task asks for."""

import numpy as np

from reference_impls.numpy.char_rnn_lm import *  # noqa: F403 - the rest is right

EXPECTED_HINT = "the windows do not overlap"


def make_windows(ids, seq_len):
    n = max(len(ids) - seq_len, 0)  # the mistake: one window per offset
    X = np.array([ids[i : i + seq_len] for i in range(n)], dtype=np.int64).reshape(n, seq_len)
    Y = np.array([ids[i + 1 : i + seq_len + 1] for i in range(n)], dtype=np.int64).reshape(n, seq_len)
    return X, Y
