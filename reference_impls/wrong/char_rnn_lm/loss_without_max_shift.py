"""Wrong: log-softmax as z - log(sum(exp(z))) without subtracting each position's max: exp overflows past 709."""

import numpy as np

from reference_impls.numpy.char_rnn_lm import *  # noqa: F403 - the rest is right

EXPECTED_HINT = "subtract each row's own max first"


def lm_loss(logits, Y):
    y = Y.ravel()
    z = logits.reshape(len(y), logits.shape[-1])
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))  # the mistake: no max shift
    return -logp[np.arange(len(y)), y].mean()


def perplexity(logits, Y):
    return np.exp(lm_loss(logits, Y))
