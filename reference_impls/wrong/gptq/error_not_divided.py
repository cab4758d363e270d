"""Wrong: the rounding error pushed onto the remaining columns without dividing it by U[i, i]: the OBS update
scales it by 1 / [H^-1]_ii (here U[i, i]), so column i moves by exactly w - q."""

import torch

from reference_impls.torch.gptq import quantize, quantizer_params, rtn_quantize  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "the error was not divided by U[i, i]"


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
        err = w - q  # the mistake: (w - q) / U[i, i]
        W[:, i:] -= err[:, None] * U[i, i:][None, :]
    return Q
