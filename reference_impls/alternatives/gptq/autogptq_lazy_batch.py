"""Correct, in the style of AutoGPTQ's / the GPTQ authors' `fasterquant`: a Quantizer-like find_params with
maxq and the (xmin == 0) & (xmax == 0) fix, H as (sqrt(2) X)(sqrt(2) X)^T, H^-1 by Cholesky, and the lazy
batch updates of the paper's Sec. 3.3: columns in blocks of `blocksize`, the error of each column pushed onto
the rest of its block at once, and each block's errors onto the later columns with one matmul
(W[:, i2:] -= Err1 @ Hinv[i1:i2, i2:]). Kept in W's dtype (the authors' .float() is for fp16 layers)."""

import torch


def quantizer_params(W, bits=4):
    maxq = torch.tensor(2**bits - 1, dtype=W.dtype)
    zero = torch.zeros(W.shape[0], dtype=W.dtype)
    xmin = torch.minimum(W.min(1)[0], zero)
    xmax = torch.maximum(W.max(1)[0], zero)
    tmp = (xmin == 0) & (xmax == 0)
    xmin[tmp] = -1
    xmax[tmp] = +1
    scale = (xmax - xmin) / maxq
    zero = torch.round(-xmin / scale)
    return scale.unsqueeze(1), zero.unsqueeze(1)


def quantize(w, scale, zero, bits=4):
    maxq = 2**bits - 1
    q = torch.clamp(torch.round(w / scale) + zero, 0, maxq)
    return scale * (q - zero)


def rtn_quantize(W, bits=4):
    return quantize(W, *quantizer_params(W, bits), bits)


def gptq_quantize(W, X, bits=4, percdamp=0.01, blocksize=4):
    W = W.clone()
    columns = W.shape[1]
    scale, zero = quantizer_params(W, bits)

    inp = 2**0.5 * X  # the task's H = 2 X X^T, not AutoGPTQ's running mean
    H = inp.matmul(inp.t())
    dead = torch.diag(H) == 0
    H[dead, dead] = 1
    W[:, dead] = 0

    damp = percdamp * torch.mean(torch.diag(H))
    diag = torch.arange(columns)
    H[diag, diag] += damp
    H = torch.linalg.cholesky(H)
    H = torch.cholesky_inverse(H)
    H = torch.linalg.cholesky(H, upper=True)
    Hinv = H

    Q = torch.zeros_like(W)
    for i1 in range(0, columns, blocksize):
        i2 = min(i1 + blocksize, columns)
        count = i2 - i1
        W1 = W[:, i1:i2].clone()
        Q1 = torch.zeros_like(W1)
        Err1 = torch.zeros_like(W1)
        Hinv1 = Hinv[i1:i2, i1:i2]
        for i in range(count):
            w = W1[:, i]
            d = Hinv1[i, i]
            q = quantize(w.unsqueeze(1), scale, zero, bits).flatten()
            Q1[:, i] = q
            err1 = (w - q) / d
            W1[:, i:] -= err1.unsqueeze(1).matmul(Hinv1[i, i:].unsqueeze(0))
            Err1[:, i] = err1
        Q[:, i1:i2] = Q1
        W[:, i2:] -= Err1.matmul(Hinv[i1:i2, i2:])
    return Q
