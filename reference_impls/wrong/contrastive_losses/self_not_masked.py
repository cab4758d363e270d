"""Wrong: NT-Xent keeps each embedding's similarity with itself among the negatives."""

import numpy as np

from reference_impls.numpy.contrastive import *  # the rest is right

EXPECTED_HINT = "the diagonal is not masked"


def _parts(z1, z2, temperature):
    z = np.concatenate([z1, z2])
    norm = np.linalg.norm(z, axis=1, keepdims=True)
    u = z / norm
    S = u @ u.T / temperature  # S_ii = 1 / tau stays in the softmax
    n = len(z1)
    pos = np.concatenate([np.arange(n, 2 * n), np.arange(n)])
    logp = S - S.max(axis=1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
    return norm, u, logp, pos


def nt_xent_loss(z1, z2, temperature=0.5):
    _, _, logp, pos = _parts(z1, z2, temperature)
    return -logp[np.arange(len(pos)), pos].mean()


def nt_xent_grad(z1, z2, temperature=0.5):
    norm, u, logp, pos = _parts(z1, z2, temperature)
    dS = np.exp(logp)
    dS[np.arange(len(pos)), pos] -= 1
    dU = (dS + dS.T) / len(pos) @ u / temperature
    dz = (dU - u * np.sum(dU * u, axis=1, keepdims=True)) / norm
    return dz[: len(z1)], dz[len(z1) :]
