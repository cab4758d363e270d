"""AWQ against a direct NumPy computation (every alpha, every group by loops), and its promises: the
folded model computes the same function, and the search never does worse than round-to-nearest
(alpha 0) and does much better when a few input channels carry large activations."""

import numpy as np
import pytest
import torch

from reference_impls.torch.awq import activation_scale, awq_quantize, fold_scales, pseudo_quantize, search_scale


def _quantize_loop(w, n_bit, group_size):
    """llm-awq's pseudo_quantize_tensor, group by group, in float64 NumPy."""
    out = np.empty_like(w)
    max_int = 2**n_bit - 1
    for r in range(w.shape[0]):
        for c in range(0, w.shape[1], group_size):
            g = w[r, c : c + group_size]
            s = max(g.max() - g.min(), 1e-5) / max_int
            z = min(max(-np.round(g.min() / s), 0), max_int)
            out[r, c : c + group_size] = (np.clip(np.round(g / s) + z, 0, max_int) - z) * s
    return out


def _layer(seed, tokens=64, d_in=64, d_out=24, salient=(3, 17, 40), boost=30.0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(tokens, d_in, generator=g, dtype=torch.float64)
    x[:, list(salient)] *= boost
    return torch.randn(d_out, d_in, generator=g, dtype=torch.float64), x


@pytest.mark.parametrize("n_bit, group_size", [(4, 32), (3, 16), (4, 64)])
def test_pseudo_quantize_matches_loop(n_bit, group_size):
    w, _ = _layer(0)
    np.testing.assert_allclose(
        pseudo_quantize(w, n_bit, group_size).numpy(), _quantize_loop(w.numpy(), n_bit, group_size)
    )


@pytest.mark.parametrize("n_bit, group_size, n_grid", [(4, 32, 20), (3, 16, 10)])
def test_search_matches_direct_computation(n_bit, group_size, n_grid):
    w, x = _layer(1)
    wn, xn = w.numpy(), x.numpy()
    x_mean = np.abs(xn).mean(axis=0)
    errors = []
    for i in range(n_grid):
        s = np.maximum(x_mean ** (i / n_grid), 1e-4)
        s = s / np.sqrt(s.max() * s.min())
        w_eff = _quantize_loop(wn * s, n_bit, group_size) / s
        errors.append(((xn @ w_eff.T - xn @ wn.T) ** 2).mean())
    scales, alpha, errs = search_scale(w, x, n_bit, group_size, n_grid)
    np.testing.assert_allclose(errs.numpy(), errors, rtol=1e-10)
    best = int(np.argmin(errors))
    assert alpha == best / n_grid
    s = np.maximum(x_mean**alpha, 1e-4)
    np.testing.assert_allclose(scales.numpy(), s / np.sqrt(s.max() * s.min()))
    np.testing.assert_allclose(activation_scale(x).numpy(), x_mean)


def test_awq_beats_round_to_nearest_on_salient_channels():
    w, x = _layer(2)
    w_q, rtn, awq = awq_quantize(w, x, 4, 32)
    assert awq < 0.5 * rtn  # the salient channels' weights keep their precision
    assert torch.allclose(((x @ w_q.T - x @ w.T) ** 2).mean(), awq)
    _, flat_x = _layer(3, boost=1.0)  # no salient channels: never worse than RTN (alpha 0 is in the grid)
    _, rtn, awq = awq_quantize(w, flat_x, 4, 32)
    assert awq <= rtn


def test_folding_keeps_the_function():
    w, x = _layer(4)
    ln = torch.nn.LayerNorm(64, dtype=torch.float64)
    with torch.no_grad():
        ln.weight.uniform_(0.5, 1.5), ln.bias.uniform_(-0.2, 0.2)
    s, _, _ = search_scale(w, x, 4, 32)
    new_w, new_b, new_fc = fold_scales(ln.weight.detach(), ln.bias.detach(), w, s)
    before = ln(x) @ w.T
    after = torch.nn.functional.layer_norm(x, (64,), new_w, new_b) @ new_fc.T
    torch.testing.assert_close(after, before)
