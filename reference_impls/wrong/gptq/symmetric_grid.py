"""Wrong for this task: AutoGPTQ's sym=True grid (its default), symmetric about a zero point in the middle of
the range, where the task's grid is asymmetric min-max."""

import torch

EXPECTED_HINT = "a symmetric grid"


def quantizer_params(W, bits=4):
    maxq = 2**bits - 1
    xmin = W.min(dim=1).values.clamp(max=0)
    xmax = W.max(dim=1).values.clamp(min=0)
    xmax = torch.maximum(xmin.abs(), xmax)
    xmin = torch.where(xmin < 0, -xmax, xmin)
    both_zero = (xmin == 0) & (xmax == 0)
    xmin, xmax = torch.where(both_zero, -1.0, xmin), torch.where(both_zero, 1.0, xmax)
    scale = (xmax - xmin) / maxq
    zero = torch.full_like(scale, (maxq + 1) / 2)  # the mistake: round(-xmin / scale) of the min-max range
    return scale[:, None], zero[:, None]


def quantize(w, scale, zero, bits=4):
    q = torch.clamp(torch.round(w / scale) + zero, 0, 2**bits - 1)
    return scale * (q - zero)


def rtn_quantize(W, bits=4):
    return quantize(W, *quantizer_params(W, bits), bits)


def gptq_quantize(W, X, bits=4, percdamp=0.01):
    W = W.clone()
    d_in = W.shape[1]
    scale, zero = quantizer_params(W, bits)
    H = 2 * X @ X.T
    dead = torch.diag(H) == 0
    H[dead, dead] = 1
    W[:, dead] = 0
    H += percdamp * torch.diag(H).mean() * torch.eye(d_in, dtype=H.dtype)
    U = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)
    Q = torch.zeros_like(W)
    for i in range(d_in):
        w = W[:, i]
        q = quantize(w[:, None], scale, zero, bits)[:, 0]
        Q[:, i] = q
        err = (w - q) / U[i, i]
        W[:, i:] -= err[:, None] * U[i, i:][None, :]
    return Q
