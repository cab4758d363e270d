"""Wrong: the error of column i goes to column i + 1 alone, instead of to all the columns left."""

import torch

from reference_impls.torch.gptq import quantize, quantizer_params, rtn_quantize  # noqa: F401 - as in the reference

EXPECTED_HINT = "the error was pushed onto the next column only"


def gptq_quantize(W, X, bits=4, percdamp=0.01):
    """W (d_out, d_in), X (d_in, n) calibration inputs -> the dequantized Q (d_out, d_in)."""
    W = W.clone()
    d_in = W.shape[1]
    scale, zero = quantizer_params(W, bits)  # from the original weights, fixed for the whole pass
    H = 2 * X @ X.T  # (d_in, d_in)
    dead = torch.diag(H) == 0  # inputs that are always 0: their weights do not matter
    H[dead, dead] = 1
    W[:, dead] = 0
    H += percdamp * torch.diag(H).mean() * torch.eye(d_in, dtype=H.dtype)
    U = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)  # H^-1 = U^T U
    Q = torch.zeros_like(W)
    for i in range(d_in):
        w = W[:, i]
        q = quantize(w[:, None], scale, zero, bits)[:, 0]
        Q[:, i] = q
        err = (w - q) / U[i, i]
        if i + 1 < d_in:
            W[:, i + 1] -= err * U[i, i + 1]  # the mistake: only the next column absorbs the error
    return Q
