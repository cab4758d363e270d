"""GPTQ: one layer's weights quantized column by column, each column's error compensated by the rest.

Frantar et al. 2023, "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained
Transformers" (arXiv:2210.17323), Algorithm 1; code after IST-DASLab/gptq (gptq.py, fasterquant).
Goal: Q minimizing ||W X - Q X||_F^2 for calibration inputs X (d_in, n), one output row at a time
(the rows are independent and share H). Its Hessian with respect to a row is H = 2 X X^T (d_in, d_in).

Optimal Brain Quantization: quantize weight i, then move the not-yet-quantized weights to absorb
the error, delta = -(w_i - q_i) / [H^-1]_ii * [H^-1]_{i, :}. GPTQ quantizes the columns in a fixed
order for all rows at once, and takes the rows of H^-1 (restricted to the remaining columns) from
the upper Cholesky factor of H^-1, computed once:

    H += damp * mean(diag H) * I                 (dampening: H is singular when n < d_in)
    U = cholesky(H^-1, upper=True)
    for i in 0 .. d_in-1:
        q = quant(W[:, i]);  Q[:, i] = q
        err = (W[:, i] - q) / U[i, i]
        W[:, i:] -= err[:, None] * U[i, i:][None, :]

The quantizer is the paper's: asymmetric min-max, one (scale, zero) per output row from the
original W, 2^bits levels. Round-to-nearest (RTN) is the same quantizer without the compensation;
GPTQ's ||W X - Q X|| is smaller (tests/reference/test_gptq.py; here 4-bit, about 30-40% less).

Limits: no lazy batch updates (the blocks of 128 columns of the paper: the same result, faster), no
grouping, no act-order (desc_act: quantize columns by decreasing diag H); the reference code's H is
2/n X X^T (a mean), which changes nothing since the dampening is relative to mean(diag H).
"""

import torch


def quantizer_params(W, bits=4):
    """Per output row: scale, zero (d_out, 1) of asymmetric min-max quantization to 2^bits levels."""
    maxq = 2**bits - 1
    xmin = W.min(dim=1).values.clamp(max=0)
    xmax = W.max(dim=1).values.clamp(min=0)
    both_zero = (xmin == 0) & (xmax == 0)
    xmin, xmax = torch.where(both_zero, -1.0, xmin), torch.where(both_zero, 1.0, xmax)
    scale = (xmax - xmin) / maxq
    zero = torch.round(-xmin / scale)
    return scale[:, None], zero[:, None]


def quantize(w, scale, zero, bits=4):
    """Quantize-dequantize: scale * (clamp(round(w / scale) + zero, 0, 2^bits - 1) - zero)."""
    q = torch.clamp(torch.round(w / scale) + zero, 0, 2**bits - 1)
    return scale * (q - zero)


def rtn_quantize(W, bits=4):
    """Round to nearest, no error compensation: the baseline."""
    scale, zero = quantizer_params(W, bits)
    return quantize(W, scale, zero, bits)


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
        err = (w - q) / U[i, i]  # (d_out,)
        W[:, i:] -= err[:, None] * U[i, i:][None, :]  # the columns not yet quantized absorb the error
    return Q


def reconstruction_error(W, Q, X):
    """||W X - Q X||_F: how far the quantized layer's outputs are on the calibration inputs."""
    return torch.linalg.matrix_norm(W @ X - Q @ X)
