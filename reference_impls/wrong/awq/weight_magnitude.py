"""Wrong: the per-channel scales from the weights' magnitude (mean |W| of each input column), not the activations'."""

import torch

from reference_impls.torch.awq import activation_scale, fold_scales, pseudo_quantize  # noqa: F401 - as the reference

EXPECTED_HINT = "the scales came from the weights"


def search_scale(w, x, n_bit=4, group_size=128, n_grid=20):
    x = x.reshape(-1, x.shape[-1])
    w_mean = w.abs().mean(dim=0)  # the mistake: weight-aware, not activation-aware
    reference = x @ w.T
    errors, best = [], None
    for i in range(n_grid):
        s = w_mean.pow(i / n_grid).clamp(min=1e-4)
        s = s / (s.max() * s.min()).sqrt()
        err = ((x @ (pseudo_quantize(w * s, n_bit, group_size) / s).T - reference) ** 2).mean()
        errors.append(err)
        if best is None or err < best[2]:
            best = (s, i / n_grid, err)
    return best[0], best[1], torch.stack(errors)


def awq_quantize(w, x, n_bit=4, group_size=128, n_grid=20):
    s, _, errors = search_scale(w, x, n_bit, group_size, n_grid)
    return pseudo_quantize(w * s, n_bit, group_size) / s, errors[0], errors.min()
