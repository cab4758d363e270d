"""Wrong: a dead input (always 0, diag(H) = 0) gets H[i, i] = 1 but keeps its weights: they are quantized and
their error spread, where GPTQ zeroes the column."""

import torch

from reference_impls.torch.gptq import quantize, quantizer_params, rtn_quantize  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "a dead input's weights were kept"


def gptq_quantize(W, X, bits=4, percdamp=0.01):
    W = W.clone()
    d_in = W.shape[1]
    scale, zero = quantizer_params(W, bits)
    H = 2 * X @ X.T
    dead = torch.diag(H) == 0
    H[dead, dead] = 1  # the mistake: W[:, dead] = 0 is missing
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
