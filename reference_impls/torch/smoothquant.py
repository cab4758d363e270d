"""SmoothQuant: migrate activation outliers into the weights, so both quantize well to int8 (W8A8).

Xiao et al. 2023, "SmoothQuant: Accurate and Efficient Post-Training Quantization for Large Language
Models" (arXiv:2211.10438), Sec. 4, Eq. 4. LLM activations have a few input channels j with values
100x larger than the rest, the same channels for every token; per-tensor int8 on X then wastes its
range on them, while the weights are easy. A per-channel factor s_j moves the difficulty across:

    Y = X W^T = (X diag(s)^-1) (W diag(s))^T          (nn.Linear: X (tokens, d_in), W (d_out, d_in))
    s_j = max_t |X_tj|^alpha / max_o |W_oj|^(1 - alpha)

alpha = 0.5 splits it evenly (max |X_j / s_j| = max |W_j s_j| = sqrt(max|X_j| max|W_j|)); larger alpha
pushes more onto the weights (the paper uses 0.75-0.85 for some models). The product is unchanged
exactly, up to float rounding; the division is folded into the previous LayerNorm (or linear) offline,
so inference pays nothing.

Source: the authors' smooth.py (smooth_ln_fcs): scales = (act_scales^alpha / weight_scales^(1-alpha))
clamped to >= 1e-5, weight_scales = max over the output dim, clamped to >= 1e-5. Limits: the
activation maxima come from calibration (here: the given X); one Linear, not the LayerNorm folding.
"""


def smooth_scales(act_absmax, weight, alpha=0.5):
    """s (d_in,) from the per-channel activation maxima (d_in,) and weight (d_out, d_in)."""
    weight_absmax = weight.abs().amax(dim=0).clamp(min=1e-5)  # max over the output dim: per input channel
    return (act_absmax.pow(alpha) / weight_absmax.pow(1 - alpha)).clamp(min=1e-5)


def smooth(x, weight, s):
    """(X / s, W * s): the same product, the outliers moved from X's channels into W's columns."""
    return x / s, weight * s


def smooth_linear(x, weight, alpha=0.5):
    """Calibrate on x itself: s from max_t |x_tj|, then smooth(x, weight, s)."""
    s = smooth_scales(x.abs().reshape(-1, x.shape[-1]).amax(dim=0), weight, alpha)
    return smooth(x, weight, s)


def outlier_ratio(x):
    """max |x| over the median of the per-channel maxima: how much one channel dominates the range."""
    channel_max = x.abs().reshape(-1, x.shape[-1]).amax(dim=0)
    return channel_max.max() / channel_max.median()
