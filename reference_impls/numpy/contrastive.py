"""Contrastive losses with their gradients, in NumPy: NT-Xent (SimCLR's InfoNCE), the triplet
margin loss, and the margin-based pair loss.

NT-Xent, for two views z1, z2 (N, D) of the same N examples: stack z = [z1; z2] (2N, D),
normalize the rows, u_i = z_i / ||z_i||, and score every pair by cosine similarity / temperature:
    S = u u^T / tau,   S_ii = -inf (an example is not its own negative)
    loss = mean over the 2N anchors i of -log softmax(S_i)[pos(i)],   pos(i) = i + N mod 2N
i.e. cross-entropy over 2N - 1 candidates: one positive (the other view), 2N - 2 negatives.
Backward: dS = (softmax(S) - onehot(pos)) / 2N; dU = (dS + dS^T) u / tau; through the
normalization, dz = (dU - u * sum(dU * u, axis=1)) / ||z||.

Triplet margin loss (torch.nn.TripletMarginLoss, p = 2), with torch's pairwise_distance, which
adds eps to the DIFFERENCE: d(a, b) = ||a - b + eps||_2,
    loss = mean_n max(d(a_n, p_n) - d(a_n, n_n) + margin, 0)
    active triplets: dp = -(a - p + eps) / d_ap / N,  dn = (a - n + eps) / d_an / N,  da = -dp - dn
Pair (contrastive) loss, Hadsell et al. 2006, with d = ||x1 - x2||:
    loss = mean_n [ same_n d^2 + (1 - same_n) max(0, margin - d)^2 ] / 2

Sources: Chen et al. 2020, "A Simple Framework for Contrastive Learning of Visual Representations"
(SimCLR, arXiv:2002.05709), eq. 1 and Algorithm 1; van den Oord et al. 2018 (InfoNCE, CPC);
Schroff et al. 2015 (FaceNet, triplet loss, which uses SQUARED distances; torch does not);
Hadsell, Chopra & LeCun 2006, "Dimensionality Reduction by Learning an Invariant Mapping".
Limits: float32 / float64, losses returned as scalars of the input's dtype; N >= 1 (NT-Xent: 2N >= 2).
"""

import numpy as np


def _nt_xent_parts(z1, z2, temperature):
    z = np.concatenate([z1, z2])  # (2N, D)
    norm = np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)  # (2N, 1), as F.normalize
    u = z / norm
    S = u @ u.T / temperature  # (2N, 2N) cosine similarities / tau
    np.fill_diagonal(S, -np.inf)
    n = len(z1)
    pos = np.concatenate([np.arange(n, 2 * n), np.arange(n)])  # the other view of the same example
    logp = S - S.max(axis=1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))  # log-softmax per row
    return norm, u, logp, pos


def nt_xent_loss(z1, z2, temperature=0.5):
    _, _, logp, pos = _nt_xent_parts(z1, z2, temperature)
    return -logp[np.arange(len(pos)), pos].mean()


def nt_xent_grad(z1, z2, temperature=0.5):
    """(dz1, dz2): the gradient of nt_xent_loss with respect to each view."""
    norm, u, logp, pos = _nt_xent_parts(z1, z2, temperature)
    m = len(pos)
    dS = np.exp(logp)  # softmax; 0 on the masked diagonal
    dS[np.arange(m), pos] -= 1
    dS /= m
    dU = (dS + dS.T) @ u / temperature  # S is symmetric in u: both of its factors get a gradient
    dz = (dU - u * np.sum(dU * u, axis=1, keepdims=True)) / norm  # through u = z / ||z||
    return dz[: len(z1)], dz[len(z1) :]


def _distances(anchor, positive, negative, eps):
    dap, dan = anchor - positive + eps, anchor - negative + eps  # torch's pairwise_distance
    return dap, dan, np.linalg.norm(dap, axis=1), np.linalg.norm(dan, axis=1)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, eps=1e-6):
    _, _, d_ap, d_an = _distances(anchor, positive, negative, eps)
    return np.maximum(d_ap - d_an + margin, 0).mean()


def triplet_margin_grad(anchor, positive, negative, margin=1.0, eps=1e-6):
    """(d anchor, d positive, d negative)."""
    dap, dan, d_ap, d_an = _distances(anchor, positive, negative, eps)
    active = (d_ap - d_an + margin > 0)[:, None].astype(anchor.dtype) / len(anchor)  # (N, 1): violating triplets
    dp = -active * dap / d_ap[:, None]
    dn = active * dan / d_an[:, None]
    return -dp - dn, dp, dn


def pair_contrastive_loss(x1, x2, same, margin=1.0):
    """same (N,): 1 for a similar pair (pulled together), 0 for a dissimilar one (pushed to >= margin)."""
    d = np.linalg.norm(x1 - x2, axis=1)
    same = same.astype(x1.dtype)
    return (0.5 * (same * d**2 + (1 - same) * np.maximum(margin - d, 0) ** 2)).mean()
