"""AWQ: activation-aware weight quantization: scale the salient input channels up before quantizing.

Lin et al. 2023, "AWQ: Activation-aware Weight Quantization for LLM Compression and Acceleration"
(arXiv:2306.00978), Sec. 3. A few input channels of a Linear see much larger activations than the
rest; their weights matter most for the output. Multiplying input channel j of W by s_j > 1 and
the activation by 1 / s_j leaves the product unchanged, but shrinks the relative rounding error
of those weights (the group's scale hardly moves while w_j grows). The scales come from the
activations, not the weights, and one exponent is searched on a small calibration set:

    s = mean_tokens |x|^alpha,   normalized by sqrt(max(s) min(s))      (per input channel, (d_in,))
    err(alpha) = mean (x (Q(W diag(s)) diag(1/s))^T - x W^T)^2           (the layer's output error)
    alpha* = argmin over alpha = i / n_grid, i = 0 .. n_grid - 1 (alpha 0: s = 1, plain round-to-nearest)

Q is group-wise asymmetric INT-n (llm-awq's pseudo_quantize_tensor): per group of `group_size`
consecutive weights of a row, s_q = max(max - min, 1e-5) / (2^n - 1), z = clamp(-round(min / s_q),
0, 2^n - 1), Q(w) = (clamp(round(w / s_q) + z, 0, 2^n - 1) - z) s_q. After the search the 1/s is
folded into the op before the Linear (a LayerNorm's weight and bias, or the previous Linear's
output rows), so inference pays nothing for it.

Source: the paper and mit-han-lab/llm-awq (awq/quantize/auto_scale.py: _search_module_scale,
scale_ln_fcs; quantizer.py: pseudo_quantize_tensor). Limits: one Linear at a time (llm-awq
searches the scales of the q/k/v projections together against their shared input), no
weight clipping search (auto_clip), no real int4 packing or kernels.
"""

import torch


def pseudo_quantize(w, n_bit=4, group_size=128):
    """Group-wise asymmetric quantize-dequantize of w (out, in): groups of group_size along each row."""
    shape = w.shape
    g = w.reshape(-1, group_size)
    max_val, min_val = g.amax(dim=1, keepdim=True), g.amin(dim=1, keepdim=True)
    max_int = 2**n_bit - 1
    scales = (max_val - min_val).clamp(min=1e-5) / max_int
    zeros = torch.clamp(-torch.round(min_val / scales), 0, max_int)
    q = torch.clamp(torch.round(g / scales) + zeros, 0, max_int)
    return ((q - zeros) * scales).reshape(shape)


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
    return ln_weight / scales, ln_bias / scales, fc_weight * scales


def awq_quantize(w, x, n_bit=4, group_size=128, n_grid=20):
    """-> (W q with AWQ's scales, as it acts on the un-scaled x: Q(W s) / s; the output MSE of plain RTN and of AWQ)."""
    s, _, errors = search_scale(w, x, n_bit, group_size, n_grid)
    return pseudo_quantize(w * s, n_bit, group_size) / s, errors[0], errors.min()
