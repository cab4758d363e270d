"""A deviation from the task: AutoGPTQ's act_order (desc_act) quantizes the columns by decreasing diag(H), a
valid option that changes Q; the task quantizes them in their own order, and the checker says so."""

import torch

from reference_impls.torch.gptq import quantize, quantizer_params, rtn_quantize  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "act_order / desc_act"


def gptq_quantize(W, X, bits=4, percdamp=0.01):
    W = W.clone()
    d_in = W.shape[1]
    scale, zero = quantizer_params(W, bits)
    H = 2 * X @ X.T
    dead = torch.diag(H) == 0
    H[dead, dead] = 1
    W[:, dead] = 0
    H += percdamp * torch.diag(H).mean() * torch.eye(d_in, dtype=H.dtype)
    perm = torch.argsort(torch.diag(H), descending=True)  # the deviation: the task's order is 0 .. d_in - 1
    W = W[:, perm]
    H = H[perm][:, perm]
    invperm = torch.argsort(perm)
    U = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)
    Q = torch.zeros_like(W)
    for i in range(d_in):
        w = W[:, i]
        q = quantize(w[:, None], scale, zero, bits)[:, 0]
        Q[:, i] = q
        err = (w - q) / U[i, i]
        W[:, i:] -= err[:, None] * U[i, i:][None, :]
    return Q[:, invperm]
