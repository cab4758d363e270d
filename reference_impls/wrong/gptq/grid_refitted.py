"""Wrong: the grid refitted on the updated W before every column, where it is fitted once on the original W."""

import torch

from reference_impls.torch.gptq import quantize, quantizer_params, rtn_quantize  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "the grid was refitted on the updated W"


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
        scale, zero = quantizer_params(W, bits)  # the mistake: fitted once, before the loop
        q = quantize(w[:, None], scale, zero, bits)[:, 0]
        Q[:, i] = q
        err = (w - q) / U[i, i]
        W[:, i:] -= err[:, None] * U[i, i:][None, :]
    return Q
