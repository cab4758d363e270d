"""Wrong: no dampening of H: with fewer calibration samples than inputs H is singular and the Cholesky
factorization fails (and with barely enough it is ill-conditioned)."""

import torch

from reference_impls.torch.gptq import quantize, quantizer_params, rtn_quantize  # noqa: F401 - right

EXPECTED_HINT = "no dampening"


def gptq_quantize(W, X, bits=4, percdamp=0.01):
    W = W.clone()
    scale, zero = quantizer_params(W, bits)
    H = 2 * X @ X.T
    dead = torch.diag(H) == 0
    H[dead, dead] = 1
    W[:, dead] = 0
    # the mistake: H += percdamp * mean(diag H) * I is missing
    U = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)
    Q = torch.zeros_like(W)
    for i in range(W.shape[1]):
        w = W[:, i]
        q = quantize(w[:, None], scale, zero, bits)[:, 0]
        Q[:, i] = q
        W[:, i:] -= ((w - q) / U[i, i])[:, None] * U[i, i:][None, :]
    return Q
