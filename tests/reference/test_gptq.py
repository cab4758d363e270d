"""GPTQ against the slow definition (Optimal Brain Quantization in a fixed order, with an explicit inverse of
the remaining Hessian at every step), and against round-to-nearest on the reconstruction error."""

import pytest
import torch

from reference_impls.torch.gptq import (
    gptq_quantize,
    quantize,
    quantizer_params,
    reconstruction_error,
    rtn_quantize,
)


def _layer(d_out, d_in, n, seed):
    g = torch.Generator().manual_seed(seed)
    W = torch.randn(d_out, d_in, generator=g, dtype=torch.float64)
    mix = torch.randn(d_in, d_in, generator=g, dtype=torch.float64) / d_in**0.5 + torch.eye(d_in, dtype=torch.float64)
    X = mix @ torch.randn(d_in, n, generator=g, dtype=torch.float64)  # correlated inputs, as real activations
    return W, X


def _slow_obq(W, X, bits, percdamp=0.01):
    """For i = 0..d-1: quantize column i, then w_F -= (w_i - q_i) / [H_F^-1]_ii * [H_F^-1]_{:, i} with F = {i..d-1}."""
    W = W.clone()
    H = 2 * X @ X.T
    H += percdamp * H.diag().mean() * torch.eye(H.shape[0], dtype=H.dtype)
    scale, zero = quantizer_params(W, bits)
    Q = torch.zeros_like(W)
    for i in range(W.shape[1]):
        Hinv = torch.linalg.inv(H[i:, i:])  # the inverse Hessian of the weights not yet quantized
        Q[:, i] = quantize(W[:, i : i + 1], scale, zero, bits)[:, 0]
        W[:, i:] -= ((W[:, i] - Q[:, i]) / Hinv[0, 0])[:, None] * Hinv[0][None, :]
    return Q


@pytest.mark.parametrize("d_out, d_in, n, bits", [(6, 12, 40, 4), (4, 16, 8, 3), (8, 8, 64, 2)])
def test_gptq_equals_sequential_obq_with_explicit_inverses(d_out, d_in, n, bits):
    W, X = _layer(d_out, d_in, n, seed=d_in)
    torch.testing.assert_close(gptq_quantize(W, X, bits), _slow_obq(W, X, bits), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("bits", [2, 3, 4])
def test_gptq_beats_round_to_nearest(bits):
    W, X = _layer(32, 64, 256, seed=bits)
    gptq, rtn = reconstruction_error(W, gptq_quantize(W, X, bits), X), reconstruction_error(W, rtn_quantize(W, bits), X)
    assert gptq < 0.8 * rtn


def test_rtn_levels_and_dead_inputs():
    W = torch.tensor([[-1.0, 0.0, 0.5, 2.0]])
    scale, zero = quantizer_params(W, bits=2)  # 4 levels over [-1, 2]: step 1
    assert scale.item() == 1.0 and zero.item() == 1.0
    torch.testing.assert_close(
        rtn_quantize(W, 2), torch.tensor([[-1.0, 0.0, 0.0, 2.0]])
    )  # round(0.5) = 0 (half to even)
    X = torch.randn(4, 10, generator=torch.Generator().manual_seed(0))
    X[2] = 0  # an input that is always 0: its weight is dropped, nothing breaks
    Q = gptq_quantize(W.double(), X.double(), bits=2)
    assert Q[0, 2] == 0 and torch.isfinite(Q).all()
