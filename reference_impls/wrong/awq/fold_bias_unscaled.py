"""Wrong: gamma divided by s, but not the LayerNorm's bias: the Linear then sees beta * s on each channel."""

import torch

from reference_impls.torch.awq import pseudo_quantize  # noqa: F401 - the learner's other entry points

EXPECTED_HINT = "the LayerNorm's bias is divided by s too"


def activation_scale(x):
    """mean |x| over every token, per input channel: x (..., d_in) -> (d_in,)."""
    return x.abs().reshape(-1, x.shape[-1]).mean(dim=0)


def search_scale(w, x, n_bit=4, group_size=128, n_grid=20):
    """-> (best scales (d_in,), best alpha, output MSE for each alpha (n_grid,) in x's dtype)."""
    x = x.reshape(-1, x.shape[-1])  # (tokens, d_in)
    x_mean = activation_scale(x)
    reference = x @ w.T  # the float output
    errors, best = [], None
    for i in range(n_grid):
        alpha = i / n_grid
        s = x_mean.pow(alpha).clamp(min=1e-4)
        s = s / (s.max() * s.min()).sqrt()  # centre the scales around 1 (the error does not depend on it)
        w_q = pseudo_quantize(w * s, n_bit, group_size) / s  # quantize W diag(s), then undo s (the x / s side)
        err = ((x @ w_q.T - reference) ** 2).mean()
        errors.append(err)
        if best is None or err < best[2]:  # the first alpha of a tie
            best = (s, alpha, err)
    return best[0], best[1], torch.stack(errors)


def fold_scales(ln_weight, ln_bias, fc_weight, scales):
    """1 / s into the LayerNorm before the Linear, s into the Linear's input channels: same function."""
    return ln_weight / scales, ln_bias, fc_weight * scales  # the mistake: ln_bias / scales


def awq_quantize(w, x, n_bit=4, group_size=128, n_grid=20):
    """-> (W q with AWQ's scales, as it acts on the un-scaled x: Q(W s) / s; the output MSE of plain RTN and of AWQ)."""
    s, _, errors = search_scale(w, x, n_bit, group_size, n_grid)
    return pseudo_quantize(w * s, n_bit, group_size) / s, errors[0], errors.min()
