"""Correct, in the style of the TensorFlow / d2l.ai derivations: the loss with logits is written with
softplus, softplus(z) - z y (np.logaddexp(0, z), exact for any z), the sigmoid as 0.5 (1 + tanh(z / 2))
so no exp can overflow, and the losses accumulated in float64 whatever the input dtype and returned as
Python floats, the way a training loop logs them (loss.item())."""

import numpy as np


def bce(p, y):
    p64, y64 = np.asarray(p, np.float64), np.asarray(y, np.float64)
    with np.errstate(divide="ignore"):
        log_p = np.clip(np.log(p64), -100.0, None)
        log_q = np.clip(np.log(1.0 - p64), -100.0, None)
    return float(-(y64 * log_p + (1.0 - y64) * log_q).sum() / p64.size)


def bce_grad(p, y):
    n = p.size
    denom = np.clip(p * (1 - p), 1e-12, None)
    return (p - y) / denom / n


def bce_with_logits(z, y):
    z64, y64 = np.asarray(z, np.float64), np.asarray(y, np.float64)
    return float(np.mean(np.logaddexp(0.0, z64) - z64 * y64))


def bce_with_logits_grad(z, y):
    sig = 0.5 * (1.0 + np.tanh(0.5 * z))
    return (sig - y) / z.size
