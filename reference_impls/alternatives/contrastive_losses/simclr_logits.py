"""Correct, in the style of the popular SimCLR re-implementations (info_nce_loss): the diagonal is removed
from the similarity matrix with a boolean mask (S[~eye].reshape(2N, 2N - 1)), the positive is pulled out
as column 0 of the logits and cross-entropy is taken against label 0. The gradient goes back through that
gather by scattering into the full matrix, then through the row normalization as a per-row Jacobian
(I - u u^T) / ||z|| applied with einsum. Triplet distances are written as sqrt(sum(diff^2))."""

import numpy as np


def _logits(z1, z2, temperature):
    N = z1.shape[0]
    features = np.concatenate([z1, z2], axis=0)
    norms = np.sqrt(np.sum(features * features, axis=1, keepdims=True))
    u = features / norms
    sim = np.matmul(u, u.T)
    idx = np.arange(2 * N)
    labels = np.concatenate([idx[N:], idx[:N]])  # the positive of row i
    eye = np.eye(2 * N, dtype=bool)
    pos_mask = np.zeros_like(eye)
    pos_mask[idx, labels] = True
    neg_mask = ~(eye | pos_mask)
    positives = sim[pos_mask].reshape(2 * N, 1)
    negatives = sim[neg_mask].reshape(2 * N, -1)
    logits = np.concatenate([positives, negatives], axis=1) / temperature
    return features, norms, u, labels, pos_mask, neg_mask, logits


def _log_softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def nt_xent_loss(z1, z2, temperature=0.5):
    logits = _logits(z1, z2, temperature)[-1]
    return -np.mean(_log_softmax(logits)[:, 0])  # CrossEntropyLoss with label 0


def nt_xent_grad(z1, z2, temperature=0.5):
    _, norms, u, _, pos_mask, neg_mask, logits = _logits(z1, z2, temperature)
    M = logits.shape[0]
    dlogits = np.exp(_log_softmax(logits))
    dlogits[:, 0] -= 1.0
    dlogits /= M * temperature
    dsim = np.zeros((M, M), dtype=logits.dtype)
    dsim[pos_mask] = dlogits[:, 0]
    dsim[neg_mask] = dlogits[:, 1:].ravel()
    du = np.matmul(dsim + dsim.T, u)
    jac = (np.eye(u.shape[1], dtype=u.dtype)[None] - np.einsum("ni,nj->nij", u, u)) / norms[:, :, None]
    dz = np.einsum("nij,nj->ni", jac, du)
    return dz[: z1.shape[0]], dz[z1.shape[0] :]


def _dist(a, b, eps):
    diff = a - b + eps
    return diff, np.sqrt(np.sum(diff**2, axis=-1))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, eps=1e-6):
    _, d_pos = _dist(anchor, positive, eps)
    _, d_neg = _dist(anchor, negative, eps)
    return np.mean(np.clip(d_pos - d_neg + margin, 0, None))


def triplet_margin_grad(anchor, positive, negative, margin=1.0, eps=1e-6):
    diff_p, d_pos = _dist(anchor, positive, eps)
    diff_n, d_neg = _dist(anchor, negative, eps)
    active = ((d_pos - d_neg + margin) > 0).astype(anchor.dtype)[:, None] / anchor.shape[0]
    g_p = active * diff_p / d_pos[:, None]  # d d(a, p) / d a
    g_n = active * diff_n / d_neg[:, None]
    return g_p - g_n, -g_p, g_n


def pair_contrastive_loss(x1, x2, same, margin=1.0):
    d = np.sqrt(np.sum((x1 - x2) ** 2, axis=1))
    pos = same * d**2
    neg = (1 - same) * np.clip(margin - d, 0, None) ** 2
    return np.mean(pos + neg) / 2
