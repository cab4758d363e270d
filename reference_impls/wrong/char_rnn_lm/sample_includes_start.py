"""Wrong: the sampled text starts with the seed character (start_id and n - 1 new ids), as a printout would."""

import numpy as np

from reference_impls.numpy import char_rnn_lm as _ref
from reference_impls.numpy.char_rnn_lm import *  # noqa: F403 - the rest is right

EXPECTED_HINT = "the n ids sampled AFTER start_id"
ALSO_APPLIES = ("shifted by one",)


def sample(params, start_id, n, temperature=1.0, rng=None, h0=None):
    new = _ref.sample(params, start_id, n - 1, temperature, rng, h0)
    return np.concatenate([[start_id], new]).astype(np.int64)  # the mistake: start_id is not sampled
