"""Wrong: the loss summed over time and averaged over the batch only (a per-sequence loss), not over all B T positions."""

import numpy as np

from reference_impls.numpy.char_rnn_lm import *  # noqa: F403 - the rest is right

EXPECTED_HINT = "the mean over all B * T positions"


def lm_loss(logits, Y):
    y = Y.ravel()
    z = logits.reshape(len(y), logits.shape[-1])
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(y)), y].sum() / len(Y)  # the mistake: / B, not / (B T)


def perplexity(logits, Y):
    return np.exp(lm_loss(logits, Y))
